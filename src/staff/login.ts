// Staff sign-in (OWASP Authentication Cheat Sheet):
//  1. refuse early when the account or the client address has too many recent
//     failures (EphemeralStore counters with a window)
//  2. verify the password with argon2id under the concurrency cap; an unknown
//     username is verified against a dummy hash, so the answer takes the same
//     time and says the same thing (staff_login_failed) for unknown user,
//     wrong password and disabled account
//  3. count the failure, or clear the account's counter and open a session.
import { staffByUsername } from '../registry/repos/staff.js';
import { staffError } from './codes.js';
import type { StaffDeps } from './deps.js';
import { dummyHash, verifyPassword } from './password.js';
import type { StaffPrincipal } from './principal.js';
import { createSession } from './sessions.js';

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

const accountKey = (u: string) => `staff:login-fail:acct:${u.toLowerCase().slice(0, 64)}`;
const addressKey = (a: string) => `staff:login-fail:addr:${a.slice(0, 64)}`;

async function failures(deps: StaffDeps, key: string): Promise<number> {
  const v = await deps.store.get(key);
  return v === null ? 0 : Number(v) || 0;
}

export async function login(deps: StaffDeps, input: LoginInput): Promise<LoginResult> {
  const fail = () => staffError('staff_login_failed', 'Username or password is wrong');
  if (typeof input.username !== 'string' || typeof input.password !== 'string' || input.username.length > 64 || input.password.length > 1024) {
    throw fail();
  }
  const [acct, addr] = await Promise.all([failures(deps, accountKey(input.username)), failures(deps, addressKey(input.address))]);
  if (acct >= deps.policy.maxFailuresPerAccount || addr >= deps.policy.maxFailuresPerAddress) {
    throw staffError('staff_login_limited', 'Too many failed sign-ins; try again later');
  }
  const staff = await staffByUsername(deps.sql, input.username);
  const hash = staff?.passwordHash ?? (await dummyHash());
  const verified = await deps.hashLimiter.run(() => verifyPassword(hash, input.password));
  if (!verified.ran) throw staffError('staff_busy', 'Too many sign-ins at once; try again shortly');
  if (!staff || staff.disabled || !verified.value) {
    await Promise.all([
      deps.store.hit(accountKey(input.username), deps.policy.failureWindowMs),
      deps.store.hit(addressKey(input.address), deps.policy.failureWindowMs),
    ]);
    throw fail();
  }
  await deps.store.del(accountKey(input.username));
  return createSession(deps, staff);
}
