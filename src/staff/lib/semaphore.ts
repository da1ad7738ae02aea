// A counting semaphore with a bounded queue: caps concurrent argon2
// verifications (31 ms and 19 MiB each, ~62/s on two cores: docs/decisions.md),
// so a burst of sign-ins queues briefly instead of exhausting memory and CPU,
// and beyond the queue bound fails fast (staff_busy) instead of piling up.
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(
    private readonly max: number,
    private readonly maxQueue: number,
  ) {}

  /** Run `fn` when a slot is free; false (without running) when the queue is full. */
  async run<T>(fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    if (this.active >= this.max) {
      if (this.waiting.length >= this.maxQueue) return { ran: false };
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return { ran: true, value: await fn() };
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  get inFlight(): number {
    return this.active;
  }
}
