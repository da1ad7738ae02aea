// Card work at a thin station, run by the service: the engine and the
// lifecycle operations act on a RemoteCard (the station's reader, over its
// connection), with the keys, the CA and the registry here. A job starts when
// an officer asks for it (HTTP); it is recorded with its station, reader and
// officer (station_jobs), its progress is published for watching live, and
// its card is released with a reset at the end (its PIN state must not
// outlive the job).
//
// start() answers once the job is under way: for a personalisation, once the
// engine has read the card and claimed (or resumed) its issuance job, so the
// mistakes that need no card work — an unknown citizen, a card not in stock,
// a station offline, an empty reader — come back as the answer to the request.
import { randomUUID } from 'node:crypto';
import { requirePermission, type Permission } from '../../access/permissions.js';
import { PivClient } from '../../card/piv/index.js';
import { cardError } from '../../card/codes.js';
import { isAppError } from '../../errors/app-error.js';
import { issuanceError } from '../../issuance/codes.js';
import type { EngineDeps } from '../../issuance/engine/context.js';
import type { JobOptions } from '../../issuance/engine/job.js';
import { createIssuanceEngine } from '../../issuance/engine/run-job.js';
import { activateCard } from '../../issuance/lifecycle/activate.js';
import { replaceCard } from '../../issuance/lifecycle/replace.js';
import { staffAssistedReset } from '../../issuance/lifecycle/staff-assisted-reset.js';
import { unblockPinWithPuk } from '../../issuance/lifecycle/unblock-pin.js';
import type { ApprovalGate } from '../../issuance/ports/approvals.js';
import type { CardholderSteps } from '../../issuance/ports/cardholder.js';
import type { Actor } from '../../issuance/ports/registry.js';
import { receiveStockFromCard } from '../../issuance/receive-stock.js';
import type { CardSerial, JobId } from '../../issuance/types.js';
import type { Sql } from '../../registry/sql.js';
import type { Logger } from '../../util/log.js';
import { stationError } from '../codes.js';
import type { StationHub } from '../hub.js';
import { defaultRelayTimeouts, openRemoteCard, type RelayTimeouts, type RemoteCard } from '../relay/remote-card.js';
import { stationById } from '../repo/rows.js';
import { insertStationJob, updateStationJob } from '../repo/station-jobs.js';
import type { StationJobKind } from '../types.js';
import type { JobEvents } from './job-events.js';

export type StationWork =
  | { readonly kind: 'personalise'; readonly nationalId: string; readonly options: Partial<JobOptions> }
  | { readonly kind: 'replace'; readonly serial: CardSerial; readonly options: Partial<JobOptions> }
  | { readonly kind: 'activate'; readonly serial: CardSerial }
  | { readonly kind: 'unblock-pin'; readonly serial: CardSerial }
  | { readonly kind: 'reset-pin'; readonly serial: CardSerial; readonly approvalId: string }
  | { readonly kind: 'stock-receive'; readonly manufacturer?: string };

const permissionOf = {
  personalise: 'card.personalise',
  replace: 'card.replace',
  activate: 'card.activate',
  'unblock-pin': 'card.unblock-pin',
  'reset-pin': 'card.staff-reset',
  'stock-receive': 'stock.receive',
} as const satisfies Record<StationJobKind, Permission>;

export interface StationJobsDeps {
  readonly hub: StationHub;
  readonly sql: Sql;
  readonly engine: EngineDeps;
  readonly approvals: ApprovalGate;
  readonly events: JobEvents;
  readonly log: Logger;
  readonly timeouts?: RelayTimeouts;
}

export interface StationJobs {
  start(request: { readonly stationId: string; readonly reader: string; readonly actor: Actor; readonly work: StationWork }): Promise<{ readonly jobId: string }>;
}

/** Before a lifecycle operation: the card in the reader must be the card the officer named. */
async function expectCard(remote: RemoteCard, serial: CardSerial): Promise<void> {
  const piv = await PivClient.open(remote.channel);
  if (!piv.ok) throw issuanceError('card_not_found', 'The card has no PIV application');
  const s = await piv.client.getSerial();
  if (!s.ok || s.serial !== serial) throw issuanceError('card_serial_mismatch', `The card in the reader is not card ${serial}`);
}

export function createStationJobs(deps: StationJobsDeps): StationJobs {
  const timeouts = deps.timeouts ?? defaultRelayTimeouts;
  const engine = createIssuanceEngine(deps.engine);
  const now = (): Date => deps.engine.clock.now();
  const lifecycle = { registry: deps.engine.registry, clock: deps.engine.clock, approvals: deps.approvals, managementKeys: deps.engine.managementKeys };

  return {
    async start({ stationId, reader, actor, work }) {
      requirePermission(actor, permissionOf[work.kind]);
      const connection = deps.hub.connection(stationId);
      if (connection === undefined) {
        const known = await stationById(deps.sql, stationId);
        if (known === undefined) throw stationError('station_not_found', `No station ${stationId}`);
        if (known.status !== 'active') throw stationError('station_disabled', 'This station is disabled');
        throw stationError('station_offline', `Station ${known.name} is not connected`);
      }
      const report = connection.readers.find((r) => r.name === reader);
      if (report === undefined) throw cardError('reader_not_found', `Station ${connection.station.name} reports no reader named "${reader.slice(0, 100)}"`);
      if (!report.cardPresent) throw cardError('no_card', `No card in reader "${reader.slice(0, 100)}"`);

      const jobId = randomUUID();
      const log = deps.log.child({ stationJobId: jobId, stationId, kind: work.kind });
      await insertStationJob(deps.sql, { id: jobId, kind: work.kind, stationId, reader, officer: actor.staffId, now: now() });
      if ('serial' in work && work.kind !== 'replace') await updateStationJob(deps.sql, jobId, { cardSerial: work.serial, now: now() });
      deps.events.begin(jobId);
      const publish = deps.events.publish.bind(deps.events, jobId);
      const fail = async (err: unknown): Promise<void> => {
        const code = isAppError(err) ? err.code : 'internal_error';
        const message = isAppError(err) ? err.message : 'Internal error';
        if (!isAppError(err)) log.error('station job failed', { err });
        else log.warn('station job stopped', { code });
        await updateStationJob(deps.sql, jobId, { status: 'failed', lastError: code, now: now() }).catch((e: unknown) => log.error('could not record the end of the station job', { err: e }));
        publish({ kind: 'failed', code, message });
      };

      let remote: RemoteCard;
      try {
        remote = await openRemoteCard(connection, jobId, reader, timeouts);
      } catch (err) {
        await fail(err);
        throw err;
      }
      // The service waits while the citizen types at the station; a watcher sees it.
      const waiting = (step: string, f: () => Promise<void>) => async () => {
        publish({ kind: 'pin-wait', step });
        await f();
      };
      const cardholder: CardholderSteps = {
        choosePin: waiting('choose-pin', () => remote.cardholder.choosePin()),
        setPuk: waiting('set-puk', () => remote.cardholder.setPuk()),
        verifyPin: (purpose) => waiting('verify-pin', () => remote.cardholder.verifyPin(purpose))(),
        unblockPin: waiting('unblock-pin', () => remote.cardholder.unblockPin()),
      };

      let startedResolve!: () => void;
      const started = new Promise<void>((r) => (startedResolve = r));
      const progress = (e: Parameters<NonNullable<Parameters<typeof engine.personalise>[0]['progress']>>[0]): void => {
        if (e.kind === 'job') {
          // Linked before the request is answered, so the job's view names its card at once.
          void updateStationJob(deps.sql, jobId, { issuanceJobId: e.jobId, now: now() })
            .catch((err: unknown) => log.warn('could not link the issuance job', { err }))
            .finally(startedResolve);
        }
        if (e.kind === 'done') return; // the station job's own 'done' follows
        publish(e);
      };

      const run = async (): Promise<number | undefined> => {
        switch (work.kind) {
          case 'personalise': {
            const r = await engine.personalise({ channel: remote.channel, cardholder, nationalId: work.nationalId, options: work.options, actor, newJobId: jobId as JobId, progress });
            return r.cardSerial;
          }
          case 'replace': {
            const r = await replaceCard({ registry: deps.engine.registry, engine }, work.serial, { channel: remote.channel, cardholder, options: work.options, actor, newJobId: jobId as JobId, progress });
            return r.cardSerial;
          }
          case 'activate':
            startedResolve();
            await expectCard(remote, work.serial);
            return activateCard(lifecycle, remote.channel, cardholder, actor);
          case 'unblock-pin':
            startedResolve();
            await expectCard(remote, work.serial);
            return unblockPinWithPuk(lifecycle, remote.channel, cardholder, actor);
          case 'reset-pin':
            startedResolve();
            await expectCard(remote, work.serial);
            return staffAssistedReset(lifecycle, remote.channel, cardholder, actor, work.approvalId);
          case 'stock-receive':
            startedResolve();
            return (await receiveStockFromCard(lifecycle, remote.channel, actor, work.manufacturer)).serial;
        }
      };

      const finished = run().then(
        async (cardSerial) => {
          await updateStationJob(deps.sql, jobId, { status: 'completed', ...(cardSerial === undefined ? {} : { cardSerial }), now: now() }).catch((e: unknown) =>
            log.error('could not record the end of the station job', { err: e }),
          );
          publish({ kind: 'done', jobId, ...(cardSerial === undefined ? {} : { cardSerial }) });
        },
        async (err: unknown) => {
          await fail(err);
          throw err;
        },
      );
      const released = finished.finally(() => remote.channel.close({ disposition: 'reset' }).catch(() => undefined)).catch(() => undefined);
      void released;
      await Promise.race([started, finished]);
      return { jobId };
    },
  };
}
