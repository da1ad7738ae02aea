// What a staff member sees of a job run at a station (GET
// /v1/issuance/jobs/{id}): where and for whom it ran, its status and, for a
// personalisation, every step of flow 1 with its state, from the issuance
// job the engine keeps. Public facts only.
import type { JobRecord } from '../../issuance/ports/registry.js';
import type { IssuanceRegistry } from '../../issuance/ports/registry.js';
import { issuanceSteps } from '../../issuance/steps/index.js';
import { isJobId } from '../../issuance/types.js';
import type { Sql } from '../../registry/sql.js';
import { stationById, stationJobById } from '../repo/rows.js';
import type { StationJobKind } from '../types.js';
import type { JobEvents } from './job-events.js';

export type JobStatusView = 'running' | 'interrupted' | 'completed' | 'failed' | 'cancelled';

export interface StationJobView {
  readonly id: string;
  readonly kind: StationJobKind;
  readonly station: { readonly id: string; readonly name: string };
  readonly reader: string;
  readonly officer: string;
  readonly status: JobStatusView;
  readonly cardSerial?: number;
  readonly citizenId?: string;
  readonly issuanceJobId?: string;
  readonly completedSteps: string[];
  readonly steps: { readonly name: string; readonly title: string; readonly status: 'done' | 'running' | 'waiting-for-pin' | 'pending' }[];
  readonly attempt?: number;
  readonly lastError?: string;
  readonly certificates: { readonly slot: string; readonly serialHex: string }[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

function stepsOf(job: JobRecord | undefined, current: { step?: string; waitingForPin: boolean } | undefined): StationJobView['steps'] {
  return issuanceSteps.map((s) => ({
    name: s.name,
    title: s.title,
    status: job?.completedSteps.includes(s.name) || job?.status === 'completed'
      ? 'done'
      : current?.step === s.name
        ? current.waitingForPin ? 'waiting-for-pin' : 'running'
        : 'pending',
  }));
}

export async function stationJobView(deps: { readonly sql: Sql; readonly registry: IssuanceRegistry; readonly events: JobEvents }, id: string): Promise<StationJobView | undefined> {
  if (!isJobId(id)) return undefined;
  const sj = await stationJobById(deps.sql, id);
  if (sj === undefined) return undefined;
  const station = await stationById(deps.sql, sj.stationId);
  const ij = sj.issuanceJobId !== undefined && isJobId(sj.issuanceJobId) ? await deps.registry.getJob(sj.issuanceJobId) : undefined;
  const personalising = sj.kind === 'personalise' || sj.kind === 'replace';
  const status: JobStatusView = sj.status === 'running' ? 'running' : ij !== undefined ? ij.status : sj.status;
  const cardSerial = ij?.cardSerial ?? sj.cardSerial;
  const lastError = sj.lastError ?? ij?.lastError;
  return {
    id: sj.id,
    kind: sj.kind,
    station: { id: sj.stationId, name: station?.name ?? sj.stationId },
    reader: sj.reader,
    officer: sj.officer,
    status,
    ...(cardSerial === undefined ? {} : { cardSerial }),
    ...(ij === undefined ? {} : { citizenId: ij.citizenId, issuanceJobId: ij.id, attempt: ij.attempt }),
    completedSteps: [...(ij?.completedSteps ?? [])],
    steps: personalising ? stepsOf(ij, sj.status === 'running' ? deps.events.current(sj.id) : undefined) : [],
    ...(lastError === undefined ? {} : { lastError }),
    certificates: (ij?.data.certificates ?? []).map((c) => ({ slot: c.slot.toString(16), serialHex: c.serialHex })),
    createdAt: sj.createdAt.toISOString(),
    updatedAt: (ij !== undefined && ij.updatedAt > sj.updatedAt ? ij.updatedAt : sj.updatedAt).toISOString(),
  };
}
