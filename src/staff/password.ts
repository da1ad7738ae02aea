// Staff passwords: argon2id, a slow hash, because people choose them (RP API
// secrets are random and get a fast keyed hash instead; docs/decisions.md).
// Parameters: OWASP Password Storage Cheat Sheet minimum for argon2id,
// m = 19 MiB (19456 KiB), t = 2, p = 1. Policy: NIST SP 800-63B §5.1.1.2
// style — length matters (12…256 characters), no composition rules, not the
// username, not a trivially repeated character.
import argon2 from 'argon2';
import { staffError } from './codes.js';

export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export function checkPasswordPolicy(password: string, username: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN) throw staffError('staff_password_weak', `The password must be at least ${PASSWORD_MIN} characters long`);
  if (length > PASSWORD_MAX) throw staffError('staff_password_weak', `The password must be at most ${PASSWORD_MAX} characters long`);
  if (password.toLowerCase().includes(username.toLowerCase())) throw staffError('staff_password_weak', 'The password must not contain the username');
  if (new Set(password).size < 4) throw staffError('staff_password_weak', 'The password must not be one or two characters repeated');
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

/** Constant-time comparison happens inside argon2.verify. False on any malformed hash. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/** A hash of a random password with the same parameters: verified against for unknown users, so timing does not tell. */
export function dummyHash(): Promise<string> {
  dummy ??= argon2.hash(crypto.randomUUID(), ARGON2_OPTIONS);
  return dummy;
}
