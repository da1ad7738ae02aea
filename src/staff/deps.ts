// What the staff module works with: the registry, the ephemeral store
// (sessions, sign-in counters), a clock, and its limits.
import type { EphemeralStore } from '../store/ephemeral.js';
import type { Sql } from '../registry/sql.js';
import type { Clock } from '../util/clock.js';
import { Semaphore } from './lib/semaphore.js';

export interface StaffPolicy {
  /** A session ends this long after sign-in, whatever happens. */
  readonly sessionAbsoluteMs: number;
  /** …or this long after its last use. */
  readonly sessionIdleMs: number;
  /** Failed sign-ins per account per window before the account is locked for the window. */
  readonly maxFailuresPerAccount: number;
  /** Failed sign-ins per client address per window. */
  readonly maxFailuresPerAddress: number;
  readonly failureWindowMs: number;
  /** Concurrent argon2 verifications, and how many may wait. */
  readonly maxConcurrentHashes: number;
  readonly maxQueuedHashes: number;
  /** How long an approval request stays open. */
  readonly approvalTtlMs: number;
}

export const defaultStaffPolicy: StaffPolicy = {
  sessionAbsoluteMs: 8 * 3600_000,
  sessionIdleMs: 30 * 60_000,
  maxFailuresPerAccount: 5,
  maxFailuresPerAddress: 20,
  failureWindowMs: 15 * 60_000,
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
