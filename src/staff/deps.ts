// What the staff module works with: the registry, the ephemeral store
// (sessions, sign-in counters), a clock, and its limits.
import type { EphemeralStore } from '../store/ephemeral.js';
import type { Sql } from '../registry/sql.js';
import type { Clock } from '../util/clock.js';
import { Semaphore } from './lib/semaphore.js';

/**
 * How sign-in attempts are throttled under one record (an account, or a
 * client address): `free` attempts one after the other, then each further
 * attempt waits delayMs·2^(n−free) after the previous one, at most
 * maxDelayMs; from `lockAt` attempts on none is admitted until the record is
 * forgotten (windowMs after its last attempt) or an admin lifts the lock. A
 * successful sign-in clears the account's record and gives the address its
 * place back.
 */
export interface SignInThrottle {
  readonly free: number;
  readonly delayMs: number;
  readonly maxDelayMs: number;
  /** Infinity: never locked, only slowed down. */
  readonly lockAt: number;
  readonly windowMs: number;
}

export interface StaffPolicy {
  /** A session ends this long after sign-in, whatever happens. */
  readonly sessionAbsoluteMs: number;
  /** …or this long after its last use. */
  readonly sessionIdleMs: number;
  /** Failed sign-ins per account: slowed down after a few, locked after many (an admin can unlock it). */
  readonly accountThrottle: SignInThrottle;
  /**
   * Failed sign-ins per client address, across usernames (password
   * spraying): slowed down, never locked — an office behind one address
   * must not be locked out by one person's mistakes or by an attacker.
   */
  readonly addressThrottle: SignInThrottle;
  /** Concurrent argon2 verifications, and how many may wait. */
  readonly maxConcurrentHashes: number;
  readonly maxQueuedHashes: number;
  /** How long an approval request stays open. */
  readonly approvalTtlMs: number;
}

export const defaultStaffPolicy: StaffPolicy = {
  sessionAbsoluteMs: 8 * 3600_000,
  sessionIdleMs: 30 * 60_000,
  // 5 at once; then 1 s, 2 s, 4 s … 5 min apart; locked at 20 (about 40 min
  // of guessing at the fastest allowed pace) for an hour after the last one.
  accountThrottle: { free: 5, delayMs: 1000, maxDelayMs: 5 * 60_000, lockAt: 20, windowMs: 3600_000 },
  // 20 at once; then 1 s, 2 s … at most 1 min apart; never locked.
  addressThrottle: { free: 20, delayMs: 1000, maxDelayMs: 60_000, lockAt: Infinity, windowMs: 15 * 60_000 },
  maxConcurrentHashes: 2,
  maxQueuedHashes: 32,
  approvalTtlMs: 24 * 3600_000,
};

export interface StaffDeps {
  readonly sql: Sql;
  readonly store: EphemeralStore;
  readonly clock: Clock;
  readonly policy: StaffPolicy;
  readonly hashLimiter: Semaphore;
}

export function staffDeps(d: { sql: Sql; store: EphemeralStore; clock: Clock; policy?: Partial<StaffPolicy> }): StaffDeps {
  const policy = { ...defaultStaffPolicy, ...d.policy };
  return { sql: d.sql, store: d.store, clock: d.clock, policy, hashLimiter: new Semaphore(policy.maxConcurrentHashes, policy.maxQueuedHashes) };
}
