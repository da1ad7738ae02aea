// CHANGE REFERENCE DATA (SP 800-73-4 Part 2 §3.2.2), INS 24.
// PRE-CONDITIONS / rules implemented:
// 1. P1 '00' → else 6A86. P2 '80' (PIN) or '81' (PUK) → else 6A88.
// 2. Data field = current value ‖ new value, 8 bytes each, FF-padded → else 6A80.
//    The new value must be 6–8 bytes (PIN: digits, FIPS 201-3 §4.3.1) → 6A80,
//    checked before the current value so a malformed request costs no try.
// 3. Blocked reference → 6983. Wrong current value → that counter - 1, 63CX
//    (and the PIN-verified state is dropped, as for a failed VERIFY).
// 4. Success: new value stored, its counter reset to the maximum.

import { SW, SwError, triesLeftSw } from '../../apdu/sw.js';
import type { PivCommand, PivContext } from '../context.js';
import { DEFAULT_PIN, DEFAULT_PUK } from '../constants.js';
import { checkNewValue, makeReference, padValue, referenceMatches } from '../reference-data.js';
import { clearSecurityState } from '../session.js';

export async function changeReferenceData(cmd: PivCommand, ctx: PivContext): Promise<Uint8Array> {
  if (cmd.p1 !== 0x00) throw new SwError(SW.WRONG_P1P2);
  if (cmd.p2 !== 0x80 && cmd.p2 !== 0x81) throw new SwError(SW.REF_NOT_FOUND);
  const isPin = cmd.p2 === 0x80;
  if (cmd.data.length !== 16) throw new SwError(SW.WRONG_DATA);
  const current = cmd.data.subarray(0, 8);
  const next = cmd.data.slice(8, 16);
  checkNewValue(next, isPin);
  const ref = isPin ? ctx.store.state.pin : ctx.store.state.puk;
  if (ref.triesLeft === 0) throw new SwError(SW.AUTH_BLOCKED);
  if (!referenceMatches(ref, current)) {
    if (isPin) clearSecurityState(ctx.session);
    const left = ref.triesLeft - 1;
    await ctx.store.update((d) => {
      (isPin ? d.pin : d.puk).triesLeft = left;
    });
    throw new SwError(triesLeftSw(left));
  }
  const isDefault = Buffer.from(next).equals(Buffer.from(padValue(isPin ? DEFAULT_PIN : DEFAULT_PUK)));
  await ctx.store.update((d) => {
    const r = makeReference(next, ref.maxTries, isDefault);
    if (isPin) d.pin = r;
    else d.puk = r;
  });
  return new Uint8Array(0);
}
