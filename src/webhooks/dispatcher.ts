// The webhook dispatcher every service process runs: it claims due
// deliveries from the outbox (repo/claim-due.ts: FOR UPDATE SKIP LOCKED and
// a lease, so processes never send the same claim twice and a process that
// dies leaves its claims to the others), sends them (./deliver.ts) and
// records each attempt. A failed attempt is retried with back-off (the
// schedule below, with ±10 % jitter) until the schedule ends; the delivery
// is then `failed`, and the RP can ask for it again (redeliver).
//
// Delivery is at least once: the outbox row is written in the transaction
// of the change it reports (card status) or before the outcome is answered
// (authentication), and a row leaves `pending` only once a 2xx came back.
// A receiver must therefore expect a message more than once, and tell by its
// webhook-id (./sign.ts).
import type { Sql } from '../registry/sql.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { deliverWebhook, type Fetch } from './deliver.js';
import { claimDueDeliveries } from './repo/claim-due.js';
import { finishAttempt } from './repo/finish-attempt.js';
import { unsealSecret } from './secret.js';

/** Pause before attempt n+1 after n failed attempts: about 2 days in all. */
export const DEFAULT_RETRY_SCHEDULE_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 43_200_000, 86_400_000] as const;

export interface DispatcherOptions {
  readonly sql: Sql;
  /** The key that unseals endpoint secrets (Peppers.webhookSeal). */
  readonly sealKey: Buffer;
  readonly clock: Clock;
  readonly log: Logger;
  readonly fetch?: Fetch;
  /** How often to look for due deliveries when not woken. Default 1000 ms. */
  readonly intervalMs?: number;
  /** Deliveries claimed (and sent in parallel) per round. Default 16. */
  readonly batch?: number;
  /** Deadline of one attempt. Default 10 s. */
  readonly timeoutMs?: number;
  /** How long a claim holds a row. Default 60 s (longer than an attempt's deadline). */
  readonly leaseMs?: number;
  readonly retryScheduleMs?: readonly number[];
}

export interface WebhookDispatcher {
  /** Look for due deliveries now (after this process wrote one). */
  wake(): void;
  /** One round: claim, send, record; resolves with how many were sent (for tests). */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

export function startWebhookDispatcher(o: DispatcherOptions): WebhookDispatcher {
  const fetchFn: Fetch = o.fetch ?? ((url, init) => fetch(url, init));
  const interval = o.intervalMs ?? 1000;
  const batch = o.batch ?? 16;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const leaseMs = Math.max(o.leaseMs ?? 60_000, timeoutMs + 5_000);
  const schedule = o.retryScheduleMs ?? DEFAULT_RETRY_SCHEDULE_MS;
  let stopped = false;
  let running: Promise<number> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  async function round(): Promise<number> {
    const now = o.clock.now();
    const lease = new Date(now.getTime() + leaseMs);
    const claimed = await claimDueDeliveries(o.sql, { now, leaseUntil: lease, limit: batch });
    await Promise.all(
      claimed.map((d) =>
        attempt(d, lease).catch((err: unknown) => {
          // Not recorded (the registry went away, a secret would not unseal): the lease ends and the row is claimed again.
          o.log.warn('webhook attempt not recorded', { delivery: d.id, rp: d.rpId, err: String(err) });
        }),
      ),
    );
    return claimed.length;
  }

  async function attempt(d: Awaited<ReturnType<typeof claimDueDeliveries>>[number], lease: Date): Promise<void> {
    if (d.endpointRemoved) {
      await finishAttempt(o.sql, d.id, lease, { kind: 'failed', status: null, error: 'the endpoint was removed' }, o.clock.now());
      return;
    }
    const key = unsealSecret(o.sealKey, d.webhookId, d.secretSealed);
    let sent;
    try {
      sent = await deliverWebhook(fetchFn, d, key, o.clock.now(), timeoutMs);
    } finally {
      key.fill(0);
    }
    const at = o.clock.now();
    if (sent.ok) {
      await finishAttempt(o.sql, d.id, lease, { kind: 'delivered', status: sent.status! }, at);
      o.log.info('webhook delivered', { delivery: d.id, rp: d.rpId, type: d.type, attempts: d.attempts, status: sent.status });
      return;
    }
    const pause = schedule[d.attempts - 1];
    const error = sent.error ?? 'failed';
    if (pause === undefined) {
      await finishAttempt(o.sql, d.id, lease, { kind: 'failed', status: sent.status, error }, at);
      o.log.warn('webhook delivery failed for good', { delivery: d.id, rp: d.rpId, type: d.type, attempts: d.attempts, error });
      return;
    }
    const next = new Date(at.getTime() + Math.round(pause * (0.9 + Math.random() * 0.2)));
    await finishAttempt(o.sql, d.id, lease, { kind: 'retry', at: next, status: sent.status, error }, at);
    o.log.info('webhook attempt failed; will retry', { delivery: d.id, rp: d.rpId, type: d.type, attempts: d.attempts, error, next: next.toISOString() });
  }

  /** Rounds back to back while there is work (or a wake came in), then the next tick. */
  function kick(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      try {
        do {
          again = false;
          const n = await round();
          total += n;
          if (n === batch) again = true;
        } while (again && !stopped);
      } catch (err) {
        o.log.warn('webhook dispatch round failed', { err });
      } finally {
        running = undefined;
      }
      return total;
    })();
    return running;
  }

  const tick = (): void => {
    if (stopped) return;
    void kick().finally(() => {
      if (!stopped) timer = setTimeout(tick, interval).unref();
    });
  };
  timer = setTimeout(tick, 0).unref();

  return {
    wake() {
      if (!stopped) void kick();
    },
    runOnce: () => kick(),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
