// Staff sign-in (OWASP Authentication Cheat Sheet):
//  1. reserve the attempt before anything is checked: one atomic step on the
//     ephemeral store (shared by every service process) counts it against the
//     account and against the client address, or refuses it when either must
//     still wait or is locked (staff_login_limited, with the seconds to wait;
//     policy in ./deps.ts: a few attempts at once, then doubling waits, an
//     account locked after many until an admin lifts it, ./unlock.ts).
//     Reserving first, not counting after the check, is what bounds a burst
//     of concurrent guesses: each guess takes a place or is refused, so no
//     more passwords are checked than the policy allows, however many arrive
//     at once
//  2. verify the password with argon2id under the concurrency cap; an unknown
//     username is verified against a dummy hash, so the answer takes the same
//     time and says the same thing (staff_login_failed) for unknown user,
//     wrong password and disabled account
//  3. a failure keeps its place in the counts; a success clears the account's
//     record and gives the address its place back (an office's staff signing
//     in all day must not lock the office out).
import { staffByUsername } from '../registry/repos/staff.js';
import { staffError } from './codes.js';
import type { StaffDeps } from './deps.js';
import { dummyHash, verifyPassword } from './password.js';
import type { StaffPrincipal } from './principal.js';
import { createSession } from './sessions.js';
import { accountThrottleKey, addressThrottleKey, throttleSpec } from './sign-in-throttle.js';

export interface LoginInput {
  readonly username: string;
  readonly password: string;
  /** The client's network address (rate limit per address). */
  readonly address: string;
}

export interface LoginResult {
  readonly token: string;
  readonly expiresAt: Date;
  readonly principal: StaffPrincipal;
}

export async function login(deps: StaffDeps, input: LoginInput): Promise<LoginResult> {
  const fail = () => staffError('staff_login_failed', 'Username or password is wrong');
  if (typeof input.username !== 'string' || typeof input.password !== 'string' || input.username.length > 64 || input.password.length > 1024) {
    throw fail();
  }
  const account = throttleSpec(accountThrottleKey(input.username), deps.policy.accountThrottle);
  const address = throttleSpec(addressThrottleKey(input.address), deps.policy.addressThrottle);
  const reserved = await deps.store.reserveAttempt([account, address], deps.clock.now().getTime());
  if (!reserved.admitted) {
    // The same answer for a wait and a lock, for a known or unknown username: it tells no more than the failures did.
    throw staffError('staff_login_limited', 'Too many failed sign-ins; try again later', {
      detail: { retryAfterSeconds: Math.max(1, Math.ceil(reserved.retryAfterMs / 1000)) },
    });
  }
  const staff = await staffByUsername(deps.sql, input.username);
  const hash = staff?.passwordHash ?? (await dummyHash());
  const verified = await deps.hashLimiter.run(() => verifyPassword(hash, input.password));
  if (!verified.ran) {
    // Not checked: the place goes back to the account and the address.
    await Promise.all([deps.store.refundAttempt(account.key), deps.store.refundAttempt(address.key)]);
    throw staffError('staff_busy', 'Too many sign-ins at once; try again shortly');
  }
  if (!staff || staff.disabled || !verified.value) throw fail();
  await Promise.all([deps.store.del(account.key), deps.store.refundAttempt(address.key)]);
  return createSession(deps, staff);
}
