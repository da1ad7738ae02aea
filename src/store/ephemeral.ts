// The ephemeral store port (docs/architecture.md, "Ephemeral store"):
// challenges, rate limits, staff sessions and sign-in counters. Redis in
// production (./redis.ts), the in-process store (./memory.ts) as the embedded
// default for ONE process only.
//
// Values are strings (callers serialise); TTLs are in milliseconds.
/** One fixed-window counter of hitThenTake(): its key, window and the most hits it admits. */
export interface CounterSpec {
  readonly key: string;
  readonly windowMs: number;
  readonly limit: number;
}

/** A counter after a hit: the count including this hit, and ms until the window resets. */
export interface HitResult {
  readonly count: number;
  readonly resetMs: number;
}

export interface EphemeralStore {
  /** Set only if absent (SET NX PX). True when this call created the key. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Set unconditionally with expiry (SET PX). */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  get(key: string): Promise<string | null>;
  /** Read and delete atomically (GETDEL): of concurrent takers exactly one gets the value. */
  take(key: string): Promise<string | null>;
  del(key: string): Promise<void>;
  /**
   * Fixed-window counter: increments `key`, starting a window of `windowMs` on
   * the first hit. Returns the count after this hit and ms until the window resets.
   */
  hit(key: string, windowMs: number): Promise<HitResult>;
  /**
   * One atomic step (one round trip on Redis): count a hit on every counter
   * as hit() does, then take `key` as take() does ONLY if every count is
   * within its limit — a request a limit refuses consumes nothing. `value` is
   * null when a limit refused or nothing was there; `hits` follow `counters`.
   */
  hitThenTake(counters: readonly CounterSpec[], key: string): Promise<{ readonly hits: readonly HitResult[]; readonly value: string | null }>;
  /** Is the backing store reachable? (readiness) */
  ping(): Promise<boolean>;
  /** True for a store shared between processes (Redis); false for in-process. */
  readonly shared: boolean;
  close(): Promise<void>;
}
