// GET DATA (SP 800-73-4 Part 2 §3.1.2), INS CB.
// PRE-CONDITIONS / rules implemented:
// 1. "P1-P2 = '3FFF'" → else 6A86.
// 2. Data field `5C <len> <tag>` (tag list with one tag of 1–3 bytes) → else 6A80.
// 3. Access rule: the fingerprints, facial image, printed information and iris
//    objects need the PIN; answer 6982 BEFORE looking whether the object exists
//    (OpenSC probes 5FC109, 5FC103, 5FC121 to learn the PIN state).
// 4. "If the data object does not exist, 6A82."
// 5. The discovery object 7E and BIT group 7F61 come back as stored; every
//    container comes back wrapped in `53`. Le is honoured by the dispatcher.

import { SW, SwError } from '../../apdu/sw.js';
import { decodeOne, tlv } from '../../tlv/ber.js';
import { tagId } from '../../card/state.js';
import type { PivCommand, PivContext } from '../context.js';
import { BIT_GROUP, DISCOVERY, isKnownObject, needsPin, tagFromList } from '../objects.js';

export function getData(cmd: PivCommand, ctx: PivContext): Uint8Array {
  if (cmd.p1 !== 0x3f || cmd.p2 !== 0xff) throw new SwError(SW.WRONG_P1P2);
  const list = decodeOne(cmd.data, 0x5c);
  if (list.length < 1 || list.length > 3) throw new SwError(SW.WRONG_DATA);
  const tag = tagFromList(list);
  if (needsPin(tag) && !ctx.session.pinVerified) throw new SwError(SW.SECURITY_STATUS);
  if (!isKnownObject(tag)) throw new SwError(SW.FILE_NOT_FOUND);
  const value = ctx.store.state.objects[tagId(tag)];
  if (value === undefined) throw new SwError(SW.FILE_NOT_FOUND);
  if (tag === DISCOVERY || tag === BIT_GROUP) return value.slice();
  return tlv(0x53, value);
}
