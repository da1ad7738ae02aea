// VERIFY (SP 800-73-4 Part 2 §3.2.1), INS 20.
// PRE-CONDITIONS / rules implemented:
// 1. P1 '00' verify, 'FF' reset the security status ("log out") → other P1 6A86.
// 2. P2 '80' (PIV Card Application PIN); the PUK '81' and anything else cannot
//    be verified → 6A88.
// 3. "If P1='00' and the data field is absent, the card returns the number of
//    further allowed retries ('63CX') or '9000' if the reference data is already
//    verified" (6983 when blocked).
// 4. Data field must be 8 bytes → 6A80 without touching the retry counter.
// 5. Blocked (counter 0) → 6983. Wrong value → counter - 1 (persisted first),
//    security state cleared, 63CX. Right value → counter reset, PIN verified,
//    and the next command may use a PIN-policy-ALWAYS key.

import { SW, SwError, triesLeftSw } from '../../apdu/sw.js';
import type { PivCommand, PivContext } from '../context.js';
import { referenceMatches } from '../reference-data.js';
import { clearSecurityState } from '../session.js';

export async function verify(cmd: PivCommand, ctx: PivContext): Promise<Uint8Array> {
  const s = ctx.session;
  if (cmd.p1 !== 0x00 && cmd.p1 !== 0xff) throw new SwError(SW.WRONG_P1P2);
  if (cmd.p2 !== 0x80) throw new SwError(SW.REF_NOT_FOUND);
  if (cmd.p1 === 0xff) {
    if (!cmd.noData) throw new SwError(SW.WRONG_DATA);
    clearSecurityState(s);
    return new Uint8Array(0);
  }
  const pin = ctx.store.state.pin;
  if (cmd.noData) {
    if (s.pinVerified) return new Uint8Array(0);
    throw new SwError(triesLeftSw(pin.triesLeft));
  }
  if (cmd.data.length !== 8) throw new SwError(SW.WRONG_DATA);
  if (pin.triesLeft === 0) throw new SwError(SW.AUTH_BLOCKED);
  if (!referenceMatches(pin, cmd.data)) {
    clearSecurityState(s);
    const left = pin.triesLeft - 1;
    await ctx.store.update((d) => {
      d.pin.triesLeft = left;
    });
    throw new SwError(triesLeftSw(left));
  }
  if (pin.triesLeft !== pin.maxTries) {
    await ctx.store.update((d) => {
      d.pin.triesLeft = d.pin.maxTries;
    });
  }
  s.pinVerified = true;
  s.alwaysArmed = true;
  return new Uint8Array(0);
}
