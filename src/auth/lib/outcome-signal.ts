// In-process news of decided challenges, so a long-poll in this process
// answers the moment an outcome is stored here instead of at its next look
// at the store. It is only a shortcut: a waiter still reads the store (the
// outcome may be decided by another process sharing Redis), so a missed or
// spurious signal only changes when it looks, never what it answers.
export class OutcomeSignal {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** An outcome for `key` was stored: wake its waiters. */
  notify(key: string): void {
    const set = this.waiters.get(key);
    if (set === undefined) return;
    this.waiters.delete(key);
    for (const wake of set) wake();
  }

  /** Resolves on notify(key), after `ms`, or when `signal` aborts — whichever comes first. */
  next(key: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiters.get(key);
      if (set === undefined) this.waiters.set(key, (set = new Set()));
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        const s = this.waiters.get(key);
        if (s !== undefined) {
          s.delete(done);
          if (s.size === 0) this.waiters.delete(key);
        }
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }

  /** Waiters registered now (for tests). */
  get size(): number {
    let n = 0;
    for (const s of this.waiters.values()) n += s.size;
    return n;
  }
}
