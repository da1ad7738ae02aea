// GENERAL AUTHENTICATE (SP 800-73-4 Part 2 §3.2.4), INS 87.
// PRE-CONDITIONS / rules implemented:
// 1. P1 = algorithm reference, P2 = key reference. Key reference 9B → card
//    management key authentication (see ../management-key.ts).
// 2. Other key references must be 9A 9C 9D 9E or 82–95 → else 6B00.
// 3. "If the key reference has no key, 6A88"; algorithm ≠ the key's → 6A86.
// 4. Data field: dynamic authentication template 7C with
//      82 00 + 81 <challenge>  → sign (ECDSA over the digest / raw RSA),
//      82 00 + 85 <point>      → key establishment (ECDH);
//    anything else → 6A80.
// 5. The key's PIN policy (key-access.ts) → 6982.
// 6. Response 7C { 82 <signature | RSA result | shared secret x> }, chained
//    out by the dispatcher when longer than Ne.

import { SW, SwError } from '../../apdu/sw.js';
import { decodeOne, tlv, tlvMap } from '../../tlv/ber.js';
import { slotId } from '../../card/state.js';
import type { PivCommand, PivContext } from '../context.js';
import { KEY_REF, isKeySlot } from '../constants.js';
import { ecdh, ecdsaSignDigest, rsaRaw } from '../keys.js';
import { requireKeyAccess } from '../key-access.js';
import { managementKeyAuth } from '../management-key.js';

export function generalAuthenticate(cmd: PivCommand, ctx: PivContext): Uint8Array {
  const fields = tlvMap(decodeOne(cmd.data, 0x7c));
  if (cmd.p2 === KEY_REF.MGM) return managementKeyAuth(cmd.p1, fields, ctx);
  if (!isKeySlot(cmd.p2) || cmd.p2 === KEY_REF.ATTESTATION) throw new SwError(SW.WRONG_SLOT);
  const key = ctx.store.state.keys[slotId(cmd.p2)];
  if (key === undefined) throw new SwError(SW.REF_NOT_FOUND);
  if (cmd.p1 !== key.algorithm) throw new SwError(SW.WRONG_P1P2);

  const response = fields.get(0x82);
  const challenge = fields.get(0x81);
  const point = fields.get(0x85);
  const wellFormed = response !== undefined && response.length === 0 && fields.size === 2
    && ((challenge !== undefined) !== (point !== undefined));
  if (!wellFormed) throw new SwError(SW.WRONG_DATA);
  requireKeyAccess(key, ctx);

  const m = key.material;
  if (challenge !== undefined) {
    const out = m.kind === 'ec' ? ecdsaSignDigest(m, challenge) : rsaRaw(m, challenge);
    return tlv(0x7c, tlv(0x82, out));
  }
  if (m.kind !== 'ec') throw new SwError(SW.WRONG_DATA);
  return tlv(0x7c, tlv(0x82, ecdh(m, point!)));
}
