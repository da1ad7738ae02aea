// ATTEST (Yubico extension, INS F9, firmware ≥ 4.3): `00 F9 <slot> 00`.
// Rules implemented (Yubico "PIV Attestation"):
// 1. P1 = key slot (9A 9C 9D 9E 82–95) → else 6B00; P2 '00' → else 6A86.
// 2. Empty slot → 6A88; a key that was imported, not generated → 6A80.
// 3. Response: the DER attestation certificate (see ../attestation.ts), chained
//    out by the dispatcher. No PIN or management key needed.

import { SW, SwError } from '../../apdu/sw.js';
import type { PivCommand, PivContext } from '../context.js';
import { KEY_REF, isKeySlot } from '../constants.js';
import { buildAttestation } from '../attestation.js';

export function attest(cmd: PivCommand, ctx: PivContext): Uint8Array {
  if (!isKeySlot(cmd.p1) || cmd.p1 === KEY_REF.ATTESTATION) throw new SwError(SW.WRONG_SLOT);
  if (cmd.p2 !== 0x00) throw new SwError(SW.WRONG_P1P2);
  return buildAttestation(ctx.store.state, cmd.p1, ctx.random);
}
