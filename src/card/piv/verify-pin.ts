// VERIFY the PIN (SP 800-73-4 Part 2 §3.2.1): `00 20 00 80 08 <PIN FF-padded>`.
// 9000 verified; 63Cx wrong, x tries left; 6983 blocked. A wrong PIN also
// clears the verified state (as a YubiKey does). 63C0 means no try left: the PIN
// is now blocked, and is reported as such.
import type { CardChannel } from '../channel.js';
import { ins, pivReferences } from './constants.js';
import { exchange } from './lib/apdu.js';
import { fail, ok, type Fail, type Ok } from './lib/result.js';
import { encodeSecret, type SecretInput } from './lib/secret.js';
import { sw, triesLeftOf, unexpectedStatus } from './lib/status.js';

export type VerifyPinResult = Ok | Fail<'wrong-pin', { triesLeft: number }> | Fail<'blocked'>;

export async function verifyPin(channel: CardChannel, pin: SecretInput): Promise<VerifyPinResult> {
  const data = encodeSecret(pin, 'pin');
  try {
    const r = await exchange(channel, { ins: ins.VERIFY, p1: 0x00, p2: pivReferences.PIN, data, sensitive: true });
    return verifyOutcome(r.sw, 'VERIFY PIN');
  } finally {
    data.fill(0);
  }
}

/** Shared reading of VERIFY-like status words for the PIN. */
export function verifyOutcome(status: number, operation: string): VerifyPinResult {
  if (status === sw.OK) return ok();
  if (status === sw.AUTH_METHOD_BLOCKED) return fail('blocked');
  const tries = triesLeftOf(status);
  if (tries === 0) return fail('blocked');
  if (tries !== undefined) return fail('wrong-pin', { triesLeft: tries });
  throw unexpectedStatus(operation, status);
}
