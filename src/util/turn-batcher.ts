// Coalescing the lookups of one event-loop turn into one call (the DataLoader
// idea, without its cache): under load, the requests whose store replies
// arrive in the same turn ask for their rows together, so the database sees
// one statement and one round trip instead of one per request. Nothing is
// remembered between batches — every lookup reads fresh data.

export type BatchLoad<V> = (keys: readonly string[]) => Promise<ReadonlyMap<string, V>>;

interface Waiter<V> {
  resolve(v: V | undefined): void;
  reject(e: unknown): void;
}

/**
 * `lookup(key)` resolves with what `load` returned for `key` (undefined when
 * absent). Lookups made before the next setImmediate — or until `maxBatch`
 * distinct keys wait — go to `load` together; a failing `load` rejects every
 * lookup of its batch with the same error.
 */
export function turnBatcher<V>(load: BatchLoad<V>, maxBatch = 128): (key: string) => Promise<V | undefined> {
  let waiting = new Map<string, Waiter<V>[]>();
  let scheduled: NodeJS.Immediate | undefined;

  const flush = (): void => {
    if (scheduled !== undefined) clearImmediate(scheduled);
    scheduled = undefined;
    const batch = waiting;
    waiting = new Map();
    load([...batch.keys()]).then(
      (rows) => {
        for (const [key, ws] of batch) for (const w of ws) w.resolve(rows.get(key));
      },
      (err: unknown) => {
        for (const ws of batch.values()) for (const w of ws) w.reject(err);
      },
    );
  };

  return (key) =>
    new Promise<V | undefined>((resolve, reject) => {
      const ws = waiting.get(key);
      if (ws !== undefined) ws.push({ resolve, reject });
      else waiting.set(key, [{ resolve, reject }]);
      if (waiting.size >= maxBatch) flush();
      else scheduled ??= setImmediate(flush);
    });
}
