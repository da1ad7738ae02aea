// Coalescing lookups into one call (the DataLoader idea, without its cache,
// plus group commit): under load, the requests that need a row while the
// database is busy with the previous batch ask for their rows together, so
// the database sees one statement and one round trip for many requests.
// Nothing is remembered between batches — every lookup reads fresh data.
//
// Every lookup has a deadline (timeoutMs from its call): one waiting behind
// loads that do not finish, or whose own load does not finish, is rejected
// at its deadline, and a key whose every lookup has expired is not sent to
// the database at all. A database that stops answering therefore costs each
// caller at most the deadline, and nothing queues up without bound.
import { Deadlines, type Expiring } from './deadlines.js';

export type BatchLoad<V> = (keys: readonly string[]) => Promise<ReadonlyMap<string, V>>;

export interface TurnBatcherOptions {
  /** Most distinct keys in one call of `load` (default 128). */
  readonly maxBatch?: number;
  /** Calls of `load` under way at once (default 2); more lookups wait and join the next batch. */
  readonly maxInFlight?: number;
  /** A lookup not answered this long after its call is rejected (default 2000 ms). */
  readonly timeoutMs?: number;
  /** The rejection of a lookup past its deadline (default: an Error saying so). */
  readonly timeoutError?: (cause: Error) => unknown;
}

/** One caller's lookup; settled by its batch or by its deadline, whichever comes first. */
class Waiter<V> implements Expiring {
  settled = false;
  constructor(
    readonly deadline: number,
    private readonly onValue: (v: V | undefined) => void,
    private readonly onError: (e: unknown) => void,
    private readonly timeoutError: (cause: Error) => unknown,
  ) {}
  resolve(v: V | undefined): void {
    if (this.settled) return;
    this.settled = true;
    this.onValue(v);
  }
  reject(e: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.onError(e);
  }
  expire(cause: Error): void {
    this.reject(this.timeoutError(cause));
  }
}

/**
 * `lookup(key)` resolves with what `load` returned for `key` (undefined when
 * absent). Lookups go to `load` at the next setImmediate — together with every
 * other lookup made until then, or until a call under way finishes when
 * `maxInFlight` calls are already out. A failing `load` rejects every lookup
 * of its batch with the same error. Idle, a lookup waits one event-loop turn.
 */
export function turnBatcher<V>(load: BatchLoad<V>, options: TurnBatcherOptions = {}): (key: string) => Promise<V | undefined> {
  const maxBatch = options.maxBatch ?? 128;
  const maxInFlight = options.maxInFlight ?? 2;
  const deadlines = new Deadlines(options.timeoutMs ?? 2000);
  const timeoutError = options.timeoutError ?? ((cause: Error) => new Error(`lookup: ${cause.message}`));
  let waiting = new Map<string, Waiter<V>[]>();
  let scheduled: NodeJS.Immediate | undefined;
  let inFlight = 0;

  const send = (batch: Map<string, Waiter<V>[]>): void => {
    inFlight++;
    load([...batch.keys()])
      .then(
        (rows) => {
          for (const [key, ws] of batch) for (const w of ws) w.resolve(rows.get(key));
        },
        (err: unknown) => {
          for (const ws of batch.values()) for (const w of ws) w.reject(err);
        },
      )
      .finally(() => {
        inFlight--;
        flush();
      });
  };

  /** Drop the keys whose every lookup has already expired. */
  const prune = (): void => {
    for (const [key, ws] of waiting) if (ws.every((w) => w.settled)) waiting.delete(key);
  };

  const flush = (): void => {
    if (scheduled !== undefined) clearImmediate(scheduled);
    scheduled = undefined;
    if (inFlight < maxInFlight) prune();
    while (waiting.size > 0 && inFlight < maxInFlight) {
      let batch = waiting;
      if (waiting.size > maxBatch) {
        batch = new Map([...waiting].slice(0, maxBatch));
        for (const key of batch.keys()) waiting.delete(key);
      } else {
        waiting = new Map();
      }
      send(batch);
    }
  };

  return (key) =>
    new Promise<V | undefined>((resolve, reject) => {
      const w = new Waiter<V>(deadlines.deadlineFromNow(), resolve, reject, timeoutError);
      deadlines.watch(w);
      const ws = waiting.get(key);
      if (ws !== undefined) ws.push(w);
      else waiting.set(key, [w]);
      scheduled ??= setImmediate(flush);
    });
}
