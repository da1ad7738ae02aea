// PUT DATA (SP 800-73-4 Part 2 §3.3.1), INS DB.
// PRE-CONDITIONS / rules implemented:
// 1. "P1-P2 = '3FFF'" → else 6A86.
// 2. Access rule: the card management key must have been authenticated in this
//    session (Part 1 Table 3 "write: PIV Card Application Administrator") → 6982.
// 3. Data field `5C <tag> 53 <content>`; for the discovery object and the BIT
//    group template the data field is the object itself (`7E …`, `7F61 …`).
//    Unknown tag or malformed field → 6A80.
// 4. `53 00` deletes the object (Yubico). Content above 3063 bytes → 6A84.
// The object is persisted before the card answers 9000.

import { SW, SwError } from '../../apdu/sw.js';
import { decodeTlvs, tlv } from '../../tlv/ber.js';
import { tagId } from '../../card/state.js';
import type { PivCommand, PivContext } from '../context.js';
import { MAX_OBJECT_SIZE } from '../constants.js';
import { BIT_GROUP, DISCOVERY, isKnownObject, tagFromList } from '../objects.js';

export async function putData(cmd: PivCommand, ctx: PivContext): Promise<Uint8Array> {
  if (cmd.p1 !== 0x3f || cmd.p2 !== 0xff) throw new SwError(SW.WRONG_P1P2);
  if (!ctx.session.mgmAuthenticated) throw new SwError(SW.SECURITY_STATUS);
  const tlvs = decodeTlvs(cmd.data);
  let tag: number;
  let stored: Uint8Array | undefined;
  const first = tlvs[0];
  if (tlvs.length === 1 && first !== undefined && (first.tag === DISCOVERY || first.tag === BIT_GROUP)) {
    tag = first.tag;
    if (first.value.length > MAX_OBJECT_SIZE) throw new SwError(SW.NO_SPACE);
    stored = tlv(tag, first.value);
  } else {
    const second = tlvs[1];
    if (tlvs.length !== 2 || first === undefined || second === undefined || first.tag !== 0x5c || second.tag !== 0x53) {
      throw new SwError(SW.WRONG_DATA);
    }
    if (first.value.length !== 3) throw new SwError(SW.WRONG_DATA);
    tag = tagFromList(first.value);
    if (!isKnownObject(tag) || tag === DISCOVERY || tag === BIT_GROUP) throw new SwError(SW.WRONG_DATA);
    if (second.value.length > MAX_OBJECT_SIZE) throw new SwError(SW.NO_SPACE);
    stored = second.value.length === 0 ? undefined : second.value.slice();
  }
  const id = tagId(tag);
  await ctx.store.update((d) => {
    if (stored === undefined) delete d.objects[id];
    else d.objects[id] = stored;
  });
  return new Uint8Array(0);
}
