// SET PIN RETRIES (Yubico extension INS FA): `00 FA <pin tries> <puk tries>`.
// Needs the management key AND the PIN; the card then sets PIN and PUK back
// to their defaults (as a YubiKey does), so callers change both afterwards.
import type { CardChannel } from '../channel.js';
import { cardError } from '../codes.js';
import { ins } from './constants.js';
import { exchange } from './lib/apdu.js';
import { fail, ok, type Fail, type Ok } from './lib/result.js';
import { sw, unexpectedStatus } from './lib/status.js';

export type SetPinRetriesResult = Ok | Fail<'security-status'> | Fail<'invalid-data'>;

export async function setPinRetries(channel: CardChannel, pinTries: number, pukTries: number): Promise<SetPinRetriesResult> {
  for (const n of [pinTries, pukTries]) {
    if (!Number.isInteger(n) || n < 1 || n > 255) throw cardError('card_argument_invalid', 'Retry counts are 1 to 255');
  }
  const r = await exchange(channel, { ins: ins.YK_SET_PIN_RETRIES, p1: pinTries, p2: pukTries });
  if (r.sw === sw.OK) return ok();
  if (r.sw === sw.SECURITY_STATUS_NOT_SATISFIED) return fail('security-status');
  if (r.sw === sw.INCORRECT_DATA || r.sw === sw.INCORRECT_P1P2) return fail('invalid-data');
  throw unexpectedStatus('SET PIN RETRIES', r.sw);
}
