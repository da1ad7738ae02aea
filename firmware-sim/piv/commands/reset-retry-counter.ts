// RESET RETRY COUNTER (SP 800-73-4 Part 2 §3.2.3), INS 2C.
// PRE-CONDITIONS / rules implemented:
// 1. P1 '00' → else 6A86. P2 '80' (only the PIN can be reset) → else 6A88.
// 2. Data field = PUK ‖ new PIN, 8 bytes each → else 6A80; the new PIN must be
//    6–8 digits, FF-padded → 6A80 (checked before the PUK, costs no try).
// 3. PUK blocked → 6983. Wrong PUK → PUK counter - 1, 63CX.
// 4. Success: "the reset retry counter of the PIN is reset to its initial value
//    and the PIN is changed to the new value"; the PUK counter is reset too.

import { SW, SwError, triesLeftSw } from '../../apdu/sw.js';
import type { PivCommand, PivContext } from '../context.js';
import { DEFAULT_PIN } from '../constants.js';
import { checkNewValue, makeReference, padValue, referenceMatches } from '../reference-data.js';

export async function resetRetryCounter(cmd: PivCommand, ctx: PivContext): Promise<Uint8Array> {
  if (cmd.p1 !== 0x00) throw new SwError(SW.WRONG_P1P2);
  if (cmd.p2 !== 0x80) throw new SwError(SW.REF_NOT_FOUND);
  if (cmd.data.length !== 16) throw new SwError(SW.WRONG_DATA);
  const puk = cmd.data.subarray(0, 8);
  const newPin = cmd.data.slice(8, 16);
  checkNewValue(newPin, true);
  const ref = ctx.store.state.puk;
  if (ref.triesLeft === 0) throw new SwError(SW.AUTH_BLOCKED);
  if (!referenceMatches(ref, puk)) {
    const left = ref.triesLeft - 1;
    await ctx.store.update((d) => {
      d.puk.triesLeft = left;
    });
    throw new SwError(triesLeftSw(left));
  }
  const isDefault = Buffer.from(newPin).equals(Buffer.from(padValue(DEFAULT_PIN)));
  await ctx.store.update((d) => {
    d.pin = makeReference(newPin, d.pin.maxTries, isDefault);
    d.puk.triesLeft = d.puk.maxTries;
  });
  return new Uint8Array(0);
}
