// GENERATE ASYMMETRIC KEY PAIR (SP 800-73-4 Part 2 §3.3.2), INS 47, with the
// Yubico PIN/touch policy tags.
// PRE-CONDITIONS / rules implemented:
// 1. P1 '00' → else 6A86. P2 = key reference: 9A 9C 9D 9E 82–95 F9 → else 6B00.
// 2. Access rule: card management key authenticated → 6982.
// 3. Data field `AC { 80 <algorithm> [AA <pin policy>] [AB <touch policy>] }`;
//    unsupported algorithm or policy, missing 80 → 6A80.
// 4. The new key replaces the slot's key and is persisted before the answer;
//    the private key never leaves the card. Response: the public key object in
//    exactly the shape ykpiv 2.2.0 parses: `7F49 43 86 41 04XY` (P-256),
//    `7F49 63 86 61 04XY` (P-384), `7F49 820109 81 820100 n 82 03 010001` (RSA).

import { SW, SwError } from '../../apdu/sw.js';
import { decodeOne, tlvMap } from '../../tlv/ber.js';
import { slotId } from '../../card/state.js';
import type { PivCommand, PivContext } from '../context.js';
import { isAsymAlg, isKeySlot } from '../constants.js';
import { generateKey, publicKeyTemplate } from '../keys.js';
import { readPolicies } from '../policy.js';

export async function generateAsymmetricKeyPair(cmd: PivCommand, ctx: PivContext): Promise<Uint8Array> {
  if (cmd.p1 !== 0x00) throw new SwError(SW.WRONG_P1P2);
  if (!isKeySlot(cmd.p2)) throw new SwError(SW.WRONG_SLOT);
  if (!ctx.session.mgmAuthenticated) throw new SwError(SW.SECURITY_STATUS);
  const fields = tlvMap(decodeOne(cmd.data, 0xac));
  const alg = fields.get(0x80);
  if (alg === undefined || alg.length !== 1 || !isAsymAlg(alg[0]!)) throw new SwError(SW.WRONG_DATA);
  for (const t of fields.keys()) if (t !== 0x80 && t !== 0xaa && t !== 0xab) throw new SwError(SW.WRONG_DATA);
  const policies = readPolicies(cmd.p2, fields.get(0xaa), fields.get(0xab));
  const algorithm = alg[0]!;
  if (!isAsymAlg(algorithm)) throw new SwError(SW.WRONG_DATA);
  const material = await generateKey(algorithm);
  await ctx.store.update((d) => {
    d.keys[slotId(cmd.p2)] = { algorithm, ...policies, origin: 'generated', material };
  });
  return publicKeyTemplate(material);
}
