// SET MANAGEMENT KEY (Yubico extension, INS FF): `00 FF FF <touch> Lc 03|08|0A|0C 9B <len> <key>`.
// Rules implemented (Yubico "PIV Introduction", ykpiv_set_mgmkey2):
// 1. Needs the current management key authenticated → 6982.
// 2. P1 'FF'; P2 'FF' (no touch) or 'FE' (touch required) → else 6A86.
// 3. Data: algorithm (3DES, AES-128/192/256), key reference 9B, length = the
//    algorithm's key length, the key → else 6A80.
// The new key replaces the old one at once; the session stays authenticated.

import { SW, SwError } from '../../apdu/sw.js';
import type { PivCommand, PivContext } from '../context.js';
import { DEFAULT_MGM_KEY, KEY_REF, MGM_ALGS, TOUCH_POLICY } from '../constants.js';
import type { MgmAlg } from '../constants.js';

export async function setManagementKey(cmd: PivCommand, ctx: PivContext): Promise<Uint8Array> {
  if (!ctx.session.mgmAuthenticated) throw new SwError(SW.SECURITY_STATUS);
  if (cmd.p1 !== 0xff || (cmd.p2 !== 0xff && cmd.p2 !== 0xfe)) throw new SwError(SW.WRONG_P1P2);
  const d = cmd.data;
  if (d.length < 3) throw new SwError(SW.WRONG_DATA);
  const alg = d[0]!;
  const spec = MGM_ALGS[alg];
  if (spec === undefined || d[1] !== KEY_REF.MGM || d[2] !== spec.keyLen || d.length !== 3 + spec.keyLen) {
    throw new SwError(SW.WRONG_DATA);
  }
  const key = d.slice(3);
  const isDefault = alg === 0x03 && Buffer.from(key).equals(Buffer.from(DEFAULT_MGM_KEY));
  await ctx.store.update((st) => {
    st.mgm = {
      algorithm: alg as MgmAlg,
      key,
      touchPolicy: cmd.p2 === 0xfe ? TOUCH_POLICY.ALWAYS : TOUCH_POLICY.NEVER,
      isDefault,
    };
  });
  return new Uint8Array(0);
}
