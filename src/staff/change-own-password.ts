// A staff member changes their own password (the console's account page):
// the current password is verified first, with argon2id under the same
// concurrency cap and the same failure counter as sign-in, so this is no way
// around the sign-in limits for whoever finds a session left open; then the
// password policy; then the new hash, which ends every session of the
// account (session generation), and a new session for the caller.
import { setStaffPasswordHash, staffById } from '../registry/repos/staff.js';
import { isStaffError, staffError } from './codes.js';
import type { StaffDeps } from './deps.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './password.js';
import { accountThrottleKey, throttleSpec } from './sign-in-throttle.js';
import type { StaffPrincipal } from './principal.js';
import { createSession } from './sessions.js';

export async function changeOwnPassword(
  deps: StaffDeps,
  who: StaffPrincipal,
  input: { readonly currentPassword: string; readonly newPassword: string },
): Promise<{ token: string; expiresAt: Date; principal: StaffPrincipal }> {
  const staff = await staffById(deps.sql, who.staffId);
  if (!staff || staff.disabled) throw staffError('staff_session_invalid', 'The staff session has ended or is not valid');
  // The attempt takes a place in the account's sign-in throttle before the check, as a sign-in does.
  const account = throttleSpec(accountThrottleKey(staff.username), deps.policy.accountThrottle);
  const reserved = await deps.store.reserveAttempt([account], deps.clock.now().getTime());
  if (!reserved.admitted) {
    throw staffError('staff_login_limited', 'Too many failed sign-ins; try again later', {
      detail: { retryAfterSeconds: Math.max(1, Math.ceil(reserved.retryAfterMs / 1000)) },
    });
  }
  const verified = await deps.hashLimiter.run(() => verifyPassword(staff.passwordHash, input.currentPassword));
  if (!verified.ran) {
    await deps.store.refundAttempt(account.key);
    throw staffError('staff_busy', 'Too many sign-ins at once; try again shortly');
  }
  if (!verified.value) throw staffError('staff_password_wrong', 'The current password is wrong', { detail: { field: 'currentPassword' } });
  await deps.store.del(account.key);
  try {
    checkPasswordPolicy(input.newPassword, staff.username);
  } catch (e) {
    if (isStaffError(e, 'staff_password_weak')) throw staffError('staff_password_weak', e.message, { detail: { field: 'newPassword' } });
    throw e;
  }
  const updated = await setStaffPasswordHash(deps.sql, staff.id, await hashPassword(input.newPassword), `staff:${staff.id}`, deps.clock.now());
  if (!updated) throw staffError('staff_not_found', 'No such staff account');
  return createSession(deps, updated);
}
