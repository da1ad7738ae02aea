// SET PIN RETRIES (Yubico extension, INS FA): `00 FA <pin tries> <puk tries>`.
// Rules implemented (Yubico "PIV Introduction"):
// 1. Needs the management key authenticated AND the PIN verified → 6982.
// 2. Each count 1–255 → else 6A86 (they are P1 and P2).
// 3. "PIN and PUK are reset to their default values" with the new counts.

import { SW, SwError } from '../../apdu/sw.js';
import type { PivCommand, PivContext } from '../context.js';
import { DEFAULT_PIN, DEFAULT_PUK } from '../constants.js';
import { makeReference, padValue } from '../reference-data.js';

export async function setPinRetries(cmd: PivCommand, ctx: PivContext): Promise<Uint8Array> {
  if (!ctx.session.mgmAuthenticated || !ctx.session.pinVerified) throw new SwError(SW.SECURITY_STATUS);
  if (cmd.p1 === 0 || cmd.p2 === 0) throw new SwError(SW.WRONG_P1P2);
  await ctx.store.update((d) => {
    d.pin = makeReference(padValue(DEFAULT_PIN), cmd.p1, true);
    d.puk = makeReference(padValue(DEFAULT_PUK), cmd.p2, true);
  });
  return new Uint8Array(0);
}
