// RESET the PIV application (Yubico extension INS FB): `00 FB 00 00`. Only
// allowed once both PIN and PUK are blocked (6985 otherwise). Wipes keys,
// objects, PIN, PUK and management key back to factory values; the factory
// attestation key and certificate (F9) stay.
import type { CardChannel } from '../channel.js';
import { ins } from './constants.js';
import { exchange } from './lib/apdu.js';
import { fail, ok, type Fail, type Ok } from './lib/result.js';
import { sw, unexpectedStatus } from './lib/status.js';

export type ResetResult = Ok | Fail<'not-blocked'>;

export async function resetCard(channel: CardChannel): Promise<ResetResult> {
  const r = await exchange(channel, { ins: ins.YK_RESET, p1: 0x00, p2: 0x00 });
  if (r.sw === sw.OK) return ok();
  if (r.sw === sw.CONDITIONS_NOT_SATISFIED) return fail('not-blocked');
  throw unexpectedStatus('RESET', r.sw);
}
