// PUT DATA (SP 800-73-4 Part 2 §3.3.2): `00 DB 3F FF Lc 5C <len> <tag> 53
// <len> <content>`, command-chained when longer than one APDU. Needs the
// card management key (6982 otherwise); 6A84 when the container is full.
// Content of length 0 (53 00) deletes the object.
import type { CardChannel } from '../channel.js';
import { cardError } from '../codes.js';
import { ins, pivObjects } from './constants.js';
import { assertObjectTag } from './get-data.js';
import { exchange } from './lib/apdu.js';
import { fail, ok, type Fail, type Ok } from './lib/result.js';
import { sw, unexpectedStatus } from './lib/status.js';
import { concat, encodeTag, tlv } from './lib/tlv.js';

export type PutDataResult = Ok | Fail<'security-status'> | Fail<'no-space'> | Fail<'invalid-data'>;

export async function putData(channel: CardChannel, tag: number, content: Uint8Array): Promise<PutDataResult> {
  assertObjectTag(tag);
  if (tag === pivObjects.DISCOVERY || tag === pivObjects.BIOMETRIC_GROUP_TEMPLATE) {
    throw cardError('card_argument_invalid', 'The discovery and BIT group objects are not written with PUT DATA here');
  }
  const data = concat(tlv(0x5c, encodeTag(tag)), tlv(0x53, content));
  const r = await exchange(channel, { ins: ins.PUT_DATA, p1: 0x3f, p2: 0xff, data });
  if (r.sw === sw.OK) return ok();
  if (r.sw === sw.SECURITY_STATUS_NOT_SATISFIED) return fail('security-status');
  if (r.sw === sw.NOT_ENOUGH_MEMORY) return fail('no-space');
  if (r.sw === sw.INCORRECT_DATA || r.sw === sw.WRONG_LENGTH) return fail('invalid-data');
  throw unexpectedStatus('PUT DATA', r.sw);
}
