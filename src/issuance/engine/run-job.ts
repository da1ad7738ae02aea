// The personalisation engine (flow 1 of docs/architecture.md):
// runs the steps of ../steps/index.ts on the card in a reader, recording each
// completion in the issuance job before the next step starts.
//
// Invariants (checked by test/issuance/kill-at-every-step.test.ts):
// - Nothing about the card is registered until the last step, which writes
//   card, certificates, stock, job and audit in one transaction after reading
//   the keys back from the card: never a registered certificate for a key the
//   card does not hold.
// - A run that stops anywhere leaves a job naming the card. Running it again
//   resumes after the last recorded step when the card still shows what the
//   recorded steps left (each step's stillHolds), and otherwise wipes the card
//   (PIV RESET) and starts over: never a card key with no record.
// - One runner per job: every job change is conditional on the version the
//   runner last saw, so a second runner (or a stale one) fails at once.
import { randomUUID } from 'node:crypto';
import type { CardChannel } from '../../card/channel.js';
import { PivClient } from '../../card/piv/index.js';
import { AppError } from '../../errors/app-error.js';
import { issuanceError, isIssuanceError } from '../codes.js';
import { cardRefused } from '../lib/card-refused.js';
import { wipeCard } from '../lib/wipe-card.js';
import { requirePermission } from '../../access/permissions.js';
import type { Actor, JobRecord, StockCard } from '../ports/registry.js';
import type { CardholderSteps } from '../ports/cardholder.js';
import type { Progress } from '../ports/station.js';
import { issuanceSteps } from '../steps/index.js';
import { parseNationalId, type CardSerial, type CardUuid, type Citizen, type JobId } from '../types.js';
import { WipeRequired, type EngineDeps, type IssuanceStep, type StepContext, type Timing } from './context.js';
import type { JobData, JobOptions, StepName } from './job.js';

const DEFAULT_LEASE_MS = 10 * 60_000;
const MAX_WIPES_PER_RUN = 2;
const FIVE_YEARS_MS = 5 * 365 * 86_400_000;

export interface PersonaliseRequest {
  readonly channel: CardChannel;
  /** Start a new job for this citizen. Omit to resume the open job of the card in the reader. */
  readonly nationalId?: string;
  /** Resume this job (the card in the reader must be its card). */
  readonly jobId?: JobId;
  readonly options?: Partial<JobOptions>;
  /** Take over a job whose lease has not yet run out (its runner is known to be dead). */
  readonly takeOver?: boolean;
  readonly actor: Actor;
  /** The PIN and PUK steps on the same card, where the PIN pad is (../cardholder/local.ts, or a thin station). */
  readonly cardholder: CardholderSteps;
  /** The id of the job when a new one is opened (default: a random UUID); a station job names its issuance job this way. */
  readonly newJobId?: JobId;
  readonly progress?: Progress;
}

export interface PersonaliseResult {
  readonly jobId: JobId;
  readonly cardSerial: CardSerial;
  readonly cardUuid: CardUuid;
  readonly status: 'active' | 'pending_activation';
  readonly certificates: readonly { readonly slot: number; readonly serialHex: string }[];
  readonly resumed: boolean;
  readonly wipes: number;
  readonly timing: Timing;
}

export interface CancelRequest {
  readonly jobId: JobId;
  /** The job's card in a reader: it is wiped and goes back to the stock. Without it the card is set aside (stock 'rejected') until someone wipes it. */
  readonly channel?: CardChannel;
  readonly actor: Actor;
  readonly takeOver?: boolean;
}

export interface IssuanceEngine {
  personalise(request: PersonaliseRequest): Promise<PersonaliseResult>;
  /** Abandon an unfinished job (the citizen left): nothing was registered, so wipe and release the card. */
  cancel(request: CancelRequest): Promise<{ readonly wiped: boolean }>;
}

function defaultOptions(now: Date, given: Partial<JobOptions> | undefined): JobOptions {
  const o: JobOptions = {
    signatureKey: given?.signatureKey ?? false,
    onHold: given?.onHold ?? false,
    managementKeyType: given?.managementKeyType ?? 'AES256',
    expiresAt: given?.expiresAt ?? new Date(now.getTime() + FIVE_YEARS_MS).toISOString(),
    pinRetries: given?.pinRetries ?? 3,
    pukRetries: given?.pukRetries ?? 3,
    replaces: given?.replaces,
  };
  const expires = new Date(o.expiresAt);
  if (Number.isNaN(expires.getTime()) || expires.getTime() <= now.getTime()) {
    throw issuanceError('citizen_invalid', 'expiresAt: must be a date in the future', { detail: { field: 'expiresAt' } });
  }
  for (const [name, v] of [['pinRetries', o.pinRetries], ['pukRetries', o.pukRetries]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 15) {
      throw issuanceError('citizen_invalid', `${name}: a whole number from 1 to 15`, { detail: { field: name } });
    }
  }
  return o;
}

/** Errors after which the card and its stock row must not be used again without a person looking. */
const REJECTING = new Set(['attestation_invalid', 'card_not_blank']);

export function createIssuanceEngine(deps: EngineDeps): IssuanceEngine {
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const now = (): Date => deps.clock.now();
  const leaseUntil = (): Date => new Date(now().getTime() + leaseMs);

  async function openPiv(channel: CardChannel): Promise<{ piv: PivClient; serial: CardSerial }> {
    const opened = await PivClient.open(channel);
    if (!opened.ok) throw issuanceError('card_not_blank', 'The card has no PIV application', { detail: { why: 'no PIV application' } });
    const s = await opened.client.getSerial();
    if (!s.ok) throw cardRefused('GET SERIAL', s.reason);
    return { piv: opened.client, serial: s.serial };
  }

  /** Find or open the job for this card, and claim it for this runner. */
  async function claim(req: PersonaliseRequest, serial: CardSerial, timing: Timing): Promise<{ job: JobRecord; resumed: boolean }> {
    const db = async <T>(fn: () => Promise<T>): Promise<T> => {
      const t = performance.now();
      try {
        return await fn();
      } finally {
        timing.db += performance.now() - t;
      }
    };
    let job: JobRecord | undefined;
    if (req.jobId !== undefined) {
      job = await db(() => deps.registry.getJob(req.jobId!));
      if (job === undefined) throw issuanceError('issuance_job_not_found', 'No such issuance job');
      if (job.cardSerial !== serial) {
        throw issuanceError('card_serial_mismatch', `The card in the reader (${serial}) is not the card of this job (${job.cardSerial})`);
      }
    } else {
      job = await db(() => deps.registry.findOpenJob(serial));
    }
    if (job !== undefined) {
      if (job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled') {
        throw issuanceError('issuance_job_finished', `The issuance job has already finished (${job.status})`);
      }
      if (req.nationalId !== undefined) {
        const citizen = await db(() => deps.registry.findCitizen(parseNationalId(req.nationalId!)));
        if (citizen === undefined || citizen.id !== job.citizenId) {
          throw issuanceError('issuance_in_progress', 'This card has an unfinished personalisation for another citizen', { detail: { jobId: job.id } });
        }
      }
      if (job.status === 'running' && job.leaseUntil !== undefined && job.leaseUntil > now() && req.takeOver !== true) {
        throw issuanceError('issuance_in_progress', 'Another personalisation of this card is running', { detail: { jobId: job.id } });
      }
      const claimed = await db(() =>
        deps.registry.updateJob(job!.id, job!.version, { status: 'running', leaseUntil: leaseUntil(), lastError: null, now: now() }),
      ).catch((e: unknown) => {
        if (isIssuanceError(e, 'issuance_job_conflict')) {
          throw issuanceError('issuance_in_progress', 'Another personalisation of this card is running', { detail: { jobId: job!.id } });
        }
        throw e;
      });
      return { job: claimed, resumed: true };
    }
    if (req.nationalId === undefined) throw issuanceError('issuance_job_not_found', 'This card has no unfinished personalisation; name the citizen to start one');
    const nationalId = parseNationalId(req.nationalId);
    const citizen = await db(() => deps.registry.findCitizen(nationalId));
    if (citizen === undefined) throw issuanceError('citizen_not_found', 'No citizen with this national ID is enrolled');
    const options = defaultOptions(now(), req.options);
    const active = await db(() => deps.registry.activeCardOf(citizen.id));
    if (active !== undefined && active.serial !== options.replaces) {
      throw issuanceError('citizen_has_active_card', `The citizen already holds card ${active.serial}; replace it instead`, {
        detail: { cardSerial: active.serial },
      });
    }
    if (options.replaces !== undefined && active?.serial !== options.replaces) {
      throw issuanceError('card_state_invalid', `Card ${options.replaces} is not the citizen's active card`);
    }
    const created = await db(() =>
      deps.registry.openJob({
        id: req.newJobId ?? (randomUUID() as JobId),
        cardSerial: serial,
        citizenId: citizen.id,
        options,
        data: { cardUuid: randomUUID() as CardUuid },
        actor: req.actor,
        now: now(),
        leaseUntil: leaseUntil(),
      }),
    );
    return { job: created, resumed: false };
  }

  async function personalise(req: PersonaliseRequest): Promise<PersonaliseResult> {
    requirePermission(req.actor, 'card.personalise');
    const timing: Timing = { card: 0, ca: 0, db: 0 };
    const progress = req.progress ?? (() => {});
    const { piv, serial } = await openPiv(req.channel);
    const claimed = await claim(req, serial, timing);
    let job = claimed.job;
    const log = deps.logger.child({ jobId: job.id, cardSerial: serial });
    progress({ kind: 'job', jobId: job.id, resumed: claimed.resumed, attempt: job.attempt });

    const persist = async (change: Parameters<typeof deps.registry.updateJob>[2]): Promise<JobRecord> => {
      const t = performance.now();
      try {
        job = await deps.registry.updateJob(job.id, job.version, change);
        return job;
      } finally {
        timing.db += performance.now() - t;
      }
    };

    let citizen: Citizen | undefined;
    let stock: StockCard | undefined;
    let wipes = 0;
    try {
      const t0 = performance.now();
      citizen = await deps.registry.findCitizenById(job.citizenId);
      stock = await deps.registry.getStock(serial);
      timing.db += performance.now() - t0;
      if (citizen === undefined) throw issuanceError('citizen_not_found', 'The citizen of this job no longer exists');
      if (stock === undefined) throw issuanceError('card_not_in_stock', `Card ${serial} is not in the stock`);

      const context = (): StepContext => ({
        deps,
        piv,
        serial,
        citizen: citizen!,
        job,
        data: job.data,
        options: job.options,
        stock: stock!,
        actor: req.actor,
        cardholder: req.cardholder,
        timing,
        async authenticateManagementKey() {
          const key = await deps.managementKeys.derive(serial, job.options.managementKeyType);
          try {
            const r = await piv.authenticateManagementKey(key, job.options.managementKeyType);
            if (!r.ok) throw cardRefused('the card management key', r.reason);
          } finally {
            key.fill(0);
          }
        },
        async timed(kind, fn) {
          const t = performance.now();
          try {
            return await fn();
          } finally {
            timing[kind] += performance.now() - t;
          }
        },
      });

      const wipeAndRestart = async (reason: string): Promise<void> => {
        if (wipes >= MAX_WIPES_PER_RUN) throw issuanceError('issuance_wipe_failed', `The card had to be wiped again: ${reason}`);
        wipes++;
        log.warn('wiping card to restart personalisation', { reason });
        progress({ kind: 'wipe', reason });
        const t = performance.now();
        await wipeCard(piv);
        timing.card += performance.now() - t;
        const at = now().toISOString();
        await deps.registry.recordCardEvent(serial, 'card.wipe', { jobId: job.id, reason }, req.actor, now());
        await persist({
          completedSteps: [],
          data: { cardUuid: job.data.cardUuid, wipes: [...(job.data.wipes ?? []), { at, reason }] },
          attempt: job.attempt + 1,
          leaseUntil: leaseUntil(),
          now: now(),
        });
      };

      // Resume: every recorded step must still show on the card.
      for (const step of issuanceSteps) {
        if (!job.completedSteps.includes(step.name) || step.stillHolds === undefined) continue;
        if (!(await step.stillHolds(context()))) {
          await wipeAndRestart(`the card no longer shows step ${step.name}`);
          break;
        }
      }

      let i = 0;
      while (i < issuanceSteps.length) {
        const step: IssuanceStep = issuanceSteps[i]!;
        const index = i + 1;
        const total = issuanceSteps.length;
        if (job.completedSteps.includes(step.name)) {
          progress({ kind: 'step-skipped', step: step.name, index, total });
          i++;
          continue;
        }
        progress({ kind: 'step-start', step: step.name, index, total, title: step.title });
        const started = performance.now();
        const before = { ca: timing.ca, db: timing.db };
        let data: JobData | void;
        try {
          data = await step.run(context());
        } catch (e) {
          if (e instanceof WipeRequired) {
            await wipeAndRestart(e.reason);
            i = 0;
            continue;
          }
          throw e;
        }
        const elapsed = performance.now() - started;
        timing.card += elapsed - (timing.ca - before.ca) - (timing.db - before.db);
        await deps.hooks?.stepRan?.(step.name);
        if (step.name === 'record') {
          // The commit wrote the job as completed in its own transaction.
          job = (await deps.registry.getJob(job.id)) ?? job;
          deps.publication?.invalidate();
        } else {
          await persist({
            completedSteps: [...job.completedSteps, step.name],
            ...(data ? { data } : {}),
            leaseUntil: leaseUntil(),
            now: now(),
          });
        }
        progress({ kind: 'step-done', step: step.name, index, total, ms: Math.round(elapsed) });
        await deps.hooks?.stepPersisted?.(step.name);
        i++;
      }
      progress({ kind: 'done', jobId: job.id, cardSerial: serial });
      log.info('card personalised', { resumed: claimed.resumed, wipes });
      return {
        jobId: job.id,
        cardSerial: serial,
        cardUuid: job.data.cardUuid,
        status: job.options.onHold ? 'pending_activation' : 'active',
        certificates: (job.data.certificates ?? []).map((c) => ({ slot: c.slot, serialHex: c.serialHex })),
        resumed: claimed.resumed,
        wipes,
        timing,
      };
    } catch (err) {
      await stop(err);
      throw err;
    }

    /** Leave the job in a state a later run (or a person) can act on. */
    async function stop(err: unknown): Promise<void> {
      const code = err instanceof AppError ? err.code : 'internal_error';
      log.warn('personalisation stopped', { code });
      try {
        if (REJECTING.has(code)) {
          // The card is not what the stock says. Remove whatever keys we made
          // (a card key with no record must not leave the office), then take
          // the card out of circulation for a person to inspect.
          if (code === 'attestation_invalid') {
            await wipeCard(piv).catch((e: unknown) => log.error('wipe after failed attestation failed', { err: e }));
            await deps.registry.recordCardEvent(serial, 'card.wipe', { jobId: job.id, reason: code }, req.actor, now());
          }
          await deps.registry.updateJob(job.id, job.version, { status: 'failed', leaseUntil: null, lastError: code, stockStatus: 'rejected', now: now() });
        } else if (code !== 'issuance_job_conflict' && code !== 'issuance_in_progress') {
          await deps.registry.updateJob(job.id, job.version, { status: 'interrupted', leaseUntil: null, lastError: code, now: now() });
        }
      } catch (e) {
        // The registry itself may be what failed; the job then stays 'running'
        // until its lease runs out, and the next run resumes it.
        log.error('could not record the stop of the job', { err: e });
      }
    }
  }

  async function cancel(req: CancelRequest): Promise<{ wiped: boolean }> {
    requirePermission(req.actor, 'card.personalise');
    const job = await deps.registry.getJob(req.jobId);
    if (job === undefined) throw issuanceError('issuance_job_not_found', 'No such issuance job');
    if (job.status !== 'running' && job.status !== 'interrupted') throw issuanceError('issuance_job_finished', `The issuance job has already finished (${job.status})`);
    if (job.status === 'running' && job.leaseUntil !== undefined && job.leaseUntil > now() && req.takeOver !== true) {
      throw issuanceError('issuance_in_progress', 'The job is running; stop it first or take it over');
    }
    let wiped = false;
    if (req.channel !== undefined) {
      const { piv, serial } = await openPiv(req.channel);
      if (serial !== job.cardSerial) throw issuanceError('card_serial_mismatch', `The card in the reader (${serial}) is not the card of this job (${job.cardSerial})`);
      await wipeCard(piv);
      await deps.registry.recordCardEvent(serial, 'card.wipe', { jobId: job.id, reason: 'job cancelled' }, req.actor, now());
      wiped = true;
    }
    await deps.registry.updateJob(job.id, job.version, {
      status: 'cancelled',
      leaseUntil: null,
      lastError: wiped ? 'cancelled; card wiped' : 'cancelled; card not wiped',
      stockStatus: wiped ? 'available' : 'rejected',
      now: now(),
    });
    return { wiped };
  }

  return { personalise, cancel };
}

export type { StepName };
