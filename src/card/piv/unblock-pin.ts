// RESET RETRY COUNTER (SP 800-73-4 Part 2 §3.2.3): `00 2C 00 80 10 <PUK
// FF-padded> <new PIN FF-padded>`. Success sets the new PIN and resets its
// counter; a wrong PUK decrements the PUK counter (63Cx), 6983 once the PUK
// is blocked (then only a card reset helps).
import type { CardChannel } from '../channel.js';
import { ins, pivReferences } from './constants.js';
import { exchange } from './lib/apdu.js';
import { fail, ok, type Fail, type Ok } from './lib/result.js';
import { encodeSecret, zero, type SecretInput } from './lib/secret.js';
import { sw, triesLeftOf, unexpectedStatus } from './lib/status.js';
import { concat } from './lib/tlv.js';

export type UnblockPinResult = Ok | Fail<'wrong-puk', { triesLeft: number }> | Fail<'puk-blocked'> | Fail<'invalid-data'>;

export async function unblockPin(channel: CardChannel, puk: SecretInput, newPin: SecretInput): Promise<UnblockPinResult> {
  const a = encodeSecret(puk, 'puk');
  const b = encodeSecret(newPin, 'pin');
  const data = concat(a, b);
  let status: number;
  try {
    status = (await exchange(channel, { ins: ins.RESET_RETRY_COUNTER, p1: 0x00, p2: pivReferences.PIN, data, sensitive: true })).sw;
  } finally {
    zero(a, b, data);
  }
  if (status === sw.OK) return ok();
  if (status === sw.AUTH_METHOD_BLOCKED) return fail('puk-blocked');
  if (status === sw.INCORRECT_DATA) return fail('invalid-data');
  const tries = triesLeftOf(status);
  if (tries === 0) return fail('puk-blocked');
  if (tries !== undefined) return fail('wrong-puk', { triesLeft: tries });
  throw unexpectedStatus('RESET RETRY COUNTER', status);
}
