// GET DATA (SP 800-73-4 Part 2 §3.1.2): `00 CB 3F FF Lc 5C <len> <tag> 00`.
// The card answers 53 { content } for containers, and the discovery object
// (7E) and biometric group template (7F61) as themselves. 6A82: no such
// object; 6982: the object needs the PIN (fingerprints, facial image, printed
// information, iris).
import type { CardChannel } from '../channel.js';
import { cardError } from '../codes.js';
import { ins, pivObjects } from './constants.js';
import { exchange } from './lib/apdu.js';
import { fail, ok, type Fail, type Ok } from './lib/result.js';
import { sw, unexpectedStatus } from './lib/status.js';
import { encodeTag, parseSingle, tlv } from './lib/tlv.js';

export type GetDataResult = Ok<{ value: Uint8Array }> | Fail<'not-found'> | Fail<'security-status'>;

/** Objects the card returns under their own tag, not wrapped in 53. */
const unwrappedObjects: ReadonlySet<number> = new Set([pivObjects.DISCOVERY, pivObjects.BIOMETRIC_GROUP_TEMPLATE]);

export function assertObjectTag(tag: number): void {
  if (!Number.isInteger(tag) || tag <= 0 || tag > 0xffffff) throw cardError('card_argument_invalid', 'Bad data object tag');
}

/** Read a data object; `value` is the content inside its 53 (or 7E / 7F61) wrapper. */
export async function getData(channel: CardChannel, tag: number): Promise<GetDataResult> {
  assertObjectTag(tag);
  const r = await exchange(channel, { ins: ins.GET_DATA, p1: 0x3f, p2: 0xff, data: tlv(0x5c, encodeTag(tag)), le: 256 });
  if (r.sw === sw.NOT_FOUND) return fail('not-found');
  if (r.sw === sw.SECURITY_STATUS_NOT_SATISFIED) return fail('security-status');
  if (r.sw !== sw.OK) throw unexpectedStatus('GET DATA', r.sw);
  const value = parseSingle(r.data, unwrappedObjects.has(tag) ? tag : 0x53);
  return ok({ value: Uint8Array.from(value) });
}
