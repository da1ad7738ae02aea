// The ephemeral store port (docs/architecture.md, "Ephemeral store"):
// challenges, rate limits, staff sessions and sign-in counters. Redis in
// production (./redis.ts), the in-process store (./memory.ts) as the embedded
// default for ONE process only.
//
// Values are strings (callers serialise); TTLs are in milliseconds.
//
// A store that cannot answer (down, hung past its deadline) rejects with
// StoreUnavailableError: an AppError with the public code `unavailable` (503),
// so every route answers it as "try again shortly" (fail closed) without
// having to translate it — none can forget to and answer 500 instead.
import { AppError } from '../errors/app-error.js';

/** The store could not answer: 503 `unavailable` wherever it surfaces. */
export class StoreUnavailableError extends AppError<'unavailable'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unavailable', 'A service needed to answer is unavailable; try again shortly.', 503, options?.cause === undefined ? undefined : { cause: options.cause });
    this.internal = message;
  }
  /** What went wrong, for the log (the public message says only "unavailable"). */
  readonly internal: string;
}

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

/**
 * One throttle of reserveAttempt(): the attempts recorded under `key` (a
 * count and the time of the last one) and what they allow next.
 */
export interface AttemptSpec {
  readonly key: string;
  /** The record is forgotten this long after the last admitted attempt. */
  readonly windowMs: number;
  /** Attempts admitted one after the other with no wait. */
  readonly free: number;
  /** Past `free`, attempt n+1 must come delayMs·2^(n−free) after attempt n, at most maxDelayMs. */
  readonly delayMs: number;
  readonly maxDelayMs: number;
  /** From this many attempts on none is admitted until the record is forgotten or deleted. */
  readonly lockAt: number;
}

/** What reserveAttempt() decided. */
export interface AttemptResult {
  readonly admitted: boolean;
  /** Attempts recorded under each key, this one included when admitted; in the order of the specs. */
  readonly counts: readonly number[];
  /** Refused: ms until every spec would admit again (a locked one: until its record is forgotten). */
  readonly retryAfterMs: number;
  /** Refused because a spec reached lockAt (not just a wait). */
  readonly locked: boolean;
}

/** A throttle record as stored: "count,lastAttemptMs". */
export function parseAttemptRecord(v: string | null): { count: number; last: number } {
  if (v === null) return { count: 0, last: 0 };
  const [c, l] = v.split(',');
  return { count: Number(c) || 0, last: Number(l) || 0 };
}

/** The wait a spec imposes after `count` attempts, the last at `last`; Infinity when locked. */
export function attemptWait(spec: AttemptSpec, count: number, last: number, nowMs: number): number {
  if (count >= spec.lockAt) return Infinity;
  if (count < spec.free) return 0;
  const wait = Math.min(spec.maxDelayMs, spec.delayMs * 2 ** (count - spec.free));
  return Math.max(0, last + wait - nowMs);
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
  /**
   * One atomic step (one round trip on Redis) that reserves an attempt
   * before it is made (e.g. a password check): admitted only when no spec is
   * locked and every spec's wait since its last attempt has passed; then
   * every record counts it, at `nowMs`. A refused call records nothing.
   * Concurrent callers are serialised, so of a burst at most the specs'
   * free attempts are admitted — across every process sharing the store.
   */
  reserveAttempt(specs: readonly AttemptSpec[], nowMs: number): Promise<AttemptResult>;
  /** Give one reserved attempt back (an attempt that turned out not to count); never below zero. */
  refundAttempt(key: string): Promise<void>;
  /** Is the backing store reachable? (readiness) */
  ping(): Promise<boolean>;
  /** True for a store shared between processes (Redis); false for in-process. */
  readonly shared: boolean;
  close(): Promise<void>;
}
