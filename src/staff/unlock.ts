// An administrator lifts the sign-in throttle of one account (a lock after
// many failures, or the waits before it): the account's record in the
// ephemeral store is deleted, after an audit entry saying who lifted it and
// what it held. The audit entry comes first: a registry that cannot record it
// leaves the lock in place (503), never an unlock without a trace.
import { appendAudit } from '../registry/audit/append.js';
import { staffById, staffByUsername } from '../registry/repos/staff.js';
import { attemptWait, parseAttemptRecord } from '../store/ephemeral.js';
import { staffError } from './codes.js';
import type { StaffDeps } from './deps.js';
import { requirePermission } from '../access/permissions.js';
import type { StaffPrincipal } from './principal.js';
import { accountThrottleKey, throttleSpec } from './sign-in-throttle.js';

/** The account's sign-in throttle as it was before the unlock. */
export interface SignInUnlock {
  readonly username: string;
  /** Attempts on record (failures since the last success, within the window). */
  readonly failures: number;
  readonly wasLocked: boolean;
}

/** Lift the sign-in throttle of one account, named by id or username (admin: staff.manage). */
export async function unlockSignIn(deps: StaffDeps, by: StaffPrincipal, account: { readonly id: string } | { readonly username: string }): Promise<SignInUnlock> {
  requirePermission(by, 'staff.manage');
  const staff = 'id' in account ? await staffById(deps.sql, account.id) : await staffByUsername(deps.sql, account.username);
  if (!staff) throw staffError('staff_not_found', 'No such staff account');
  const key = accountThrottleKey(staff.username);
  const record = parseAttemptRecord(await deps.store.get(key));
  const now = deps.clock.now();
  const wasLocked = attemptWait(throttleSpec(key, deps.policy.accountThrottle), record.count, record.last, now.getTime()) === Infinity;
  await appendAudit(deps.sql, {
    actor: `staff:${by.staffId}`,
    action: 'staff.sign-in-unlock',
    subject: `staff:${staff.id}`,
    data: { failures: record.count, locked: wasLocked },
    at: now,
  });
  await deps.store.del(key);
  return { username: staff.username, failures: record.count, wasLocked };
}
