// Deadlines for calls that all share one timeout (the Redis store's commands,
// the registry's card-status lookups): a call that has not settled within the
// timeout is rejected, whatever the call itself does later. Because every
// deadline is "start + the same timeout", the calls under way are in deadline
// order, so one timer for the oldest unsettled call serves them all — no
// timer, clearTimeout and Promise.race per call, which showed in the
// bench:auth profile at two store commands per authentication.

/** The cause handed to a call whose deadline passed. */
export class DeadlineExpired extends Error {
  override readonly name = 'DeadlineExpired';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/** What the sweep needs of a call under way (see watch()). */
export interface Expiring {
  readonly deadline: number;
  readonly settled: boolean;
  /** Called once the deadline passed unsettled, with a DeadlineExpired; must settle the call. */
  expire(cause: Error): void;
}

/** One call under way. A class, not closures: one object per call on a path that runs for every store command. */
class Pending<T> implements Expiring {
  settled = false;
  constructor(
    readonly deadline: number,
    private readonly onValue: (v: T) => void,
    private readonly onError: (err: Error) => void,
    private readonly wrap: (cause: unknown) => Error,
  ) {}
  resolve(v: T): void {
    if (this.settled) return;
    this.settled = true;
    this.onValue(v);
  }
  reject(cause: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.onError(this.wrap(cause));
  }
  expire(cause: Error): void {
    this.reject(cause);
  }
}

export class Deadlines {
  /** Calls in start (hence deadline) order; those before `head` are done with. */
  private queue: Expiring[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly timeoutMs: number) {}

  /** The deadline of a call starting now (for watch()). */
  deadlineFromNow(): number {
    return performance.now() + this.timeoutMs;
  }

  /**
   * Runs `f`; its result, or — when it fails, or has not settled within the
   * timeout — `wrap(cause)` as the rejection.
   */
  run<T>(f: () => Promise<T>, wrap: (cause: unknown) => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const p = new Pending<T>(this.deadlineFromNow(), resolve, reject, wrap);
      this.watch(p);
      let call: Promise<T>;
      try {
        call = f();
      } catch (err) {
        p.reject(err);
        return;
      }
      call.then(
        (v) => p.resolve(v),
        (err: unknown) => p.reject(err),
      );
    });
  }

  /**
   * Watches a call that settles itself (e.g. a lookup waiting in a batch):
   * `e.expire()` is called if it is still unsettled at `e.deadline`, which
   * must come from deadlineFromNow() at its start.
   */
  watch(e: Expiring): void {
    this.queue.push(e);
    this.timer ??= setTimeout(this.sweep, this.timeoutMs + 1).unref();
  }

  /** Calls under way (not yet settled or expired); for tests. */
  get pending(): number {
    let n = 0;
    for (let i = this.head; i < this.queue.length; i++) if (!this.queue[i]!.settled) n++;
    return n;
  }

  /** Stops the timer (the owner is closing); calls under way keep their own outcome. */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly sweep = (): void => {
    this.timer = undefined;
    const now = performance.now();
    const q = this.queue;
    while (this.head < q.length) {
      const p = q[this.head]!;
      if (!p.settled && p.deadline > now) break;
      if (!p.settled) p.expire(new DeadlineExpired(this.timeoutMs));
      this.head++;
    }
    if (this.head === q.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024) {
      this.queue = q.slice(this.head);
      this.head = 0;
    }
    const oldest = this.queue[this.head];
    if (oldest !== undefined) this.timer = setTimeout(this.sweep, Math.max(1, oldest.deadline - now + 1)).unref();
  };
}
