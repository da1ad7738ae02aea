// Coalescing lookups into one call (the DataLoader idea, without its cache,
// plus group commit): under load, the requests that need a row while the
// database is busy with the previous batch ask for their rows together, so
// the database sees one statement and one round trip for many requests.
// Nothing is remembered between batches — every lookup reads fresh data.

export type BatchLoad<V> = (keys: readonly string[]) => Promise<ReadonlyMap<string, V>>;

export interface TurnBatcherOptions {
  /** Most distinct keys in one call of `load` (default 128). */
  readonly maxBatch?: number;
  /** Calls of `load` under way at once (default 2); more lookups wait and join the next batch. */
  readonly maxInFlight?: number;
}

interface Waiter<V> {
  resolve(v: V | undefined): void;
  reject(e: unknown): void;
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

  const flush = (): void => {
    if (scheduled !== undefined) clearImmediate(scheduled);
    scheduled = undefined;
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
      const ws = waiting.get(key);
      if (ws !== undefined) ws.push({ resolve, reject });
      else waiting.set(key, [{ resolve, reject }]);
      scheduled ??= setImmediate(flush);
    });
}
