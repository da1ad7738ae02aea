// CHANGE REFERENCE DATA (SP 800-73-4 Part 2 §3.2.2) for the PIN (P2 80) and
// the PUK (P2 81): `00 24 00 <ref> 10 <old, FF-padded to 8> <new, FF-padded>`.
// A wrong current value counts against that value's retry counter (63Cx);
// 6983 when it is blocked; 6A80 when the card rejects the new value.
import type { CardChannel } from '../channel.js';
import { ins, pivReferences } from './constants.js';
import { exchange } from './lib/apdu.js';
import { fail, ok, type Fail, type Ok } from './lib/result.js';
import { encodeSecret, zero, type SecretInput } from './lib/secret.js';
import { sw, triesLeftOf, unexpectedStatus } from './lib/status.js';
import { concat } from './lib/tlv.js';

export type ChangePinResult = Ok | Fail<'wrong-pin', { triesLeft: number }> | Fail<'blocked'> | Fail<'invalid-data'>;
export type ChangePukResult = Ok | Fail<'wrong-puk', { triesLeft: number }> | Fail<'puk-blocked'> | Fail<'invalid-data'>;

async function changeReference(channel: CardChannel, reference: number, kind: 'pin' | 'puk', current: SecretInput, next: SecretInput): Promise<number> {
  const a = encodeSecret(current, kind);
  const b = encodeSecret(next, kind);
  const data = concat(a, b);
  try {
    const r = await exchange(channel, { ins: ins.CHANGE_REFERENCE_DATA, p1: 0x00, p2: reference, data, sensitive: true });
    return r.sw;
  } finally {
    zero(a, b, data);
  }
}

export async function changePin(channel: CardChannel, currentPin: SecretInput, newPin: SecretInput): Promise<ChangePinResult> {
  const status = await changeReference(channel, pivReferences.PIN, 'pin', currentPin, newPin);
  if (status === sw.OK) return ok();
  if (status === sw.AUTH_METHOD_BLOCKED) return fail('blocked');
  if (status === sw.INCORRECT_DATA) return fail('invalid-data');
  const tries = triesLeftOf(status);
  if (tries === 0) return fail('blocked');
  if (tries !== undefined) return fail('wrong-pin', { triesLeft: tries });
  throw unexpectedStatus('CHANGE PIN', status);
}

export async function changePuk(channel: CardChannel, currentPuk: SecretInput, newPuk: SecretInput): Promise<ChangePukResult> {
  const status = await changeReference(channel, pivReferences.PUK, 'puk', currentPuk, newPuk);
  if (status === sw.OK) return ok();
  if (status === sw.AUTH_METHOD_BLOCKED) return fail('puk-blocked');
  if (status === sw.INCORRECT_DATA) return fail('invalid-data');
  const tries = triesLeftOf(status);
  if (tries === 0) return fail('puk-blocked');
  if (tries !== undefined) return fail('wrong-puk', { triesLeft: tries });
  throw unexpectedStatus('CHANGE PUK', status);
}
