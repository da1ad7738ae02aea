// GET SERIAL (Yubico extension INS F8): `00 F8 00 00 00` → 4 bytes, big-endian.
import type { CardChannel } from '../channel.js';
import { cardError } from '../codes.js';
import { cardSerial, ins, type CardSerial } from './constants.js';
import { exchange } from './lib/apdu.js';
import { fail, ok, type Fail, type Ok } from './lib/result.js';
import { sw, unexpectedStatus } from './lib/status.js';

export type GetSerialResult = Ok<{ serial: CardSerial }> | Fail<'not-supported'>;

export async function getSerial(channel: CardChannel): Promise<GetSerialResult> {
  const r = await exchange(channel, { ins: ins.YK_GET_SERIAL, p1: 0x00, p2: 0x00, le: 256 });
  if (r.sw === sw.INS_NOT_SUPPORTED) return fail('not-supported');
  if (r.sw !== sw.OK) throw unexpectedStatus('GET SERIAL', r.sw);
  if (r.data.length !== 4) throw cardError('card_protocol_error', 'The card serial is not 4 bytes');
  return ok({ serial: cardSerial(Buffer.from(r.data).readUInt32BE(0)) });
}
