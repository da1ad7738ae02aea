// The access rule for a private key (SP 800-73-4 Part 1 Table 4b and the Yubico
// PIN policies): NEVER needs nothing; ONCE needs the PIN verified in this
// session; ALWAYS needs this very command to follow a successful VERIFY.
// Touch policies are recorded but the simulated card has no button: it behaves
// as if touched.

import { SW, SwError } from '../apdu/sw.js';
import type { SlotKey } from '../card/state.js';
import type { PivContext } from './context.js';
import { PIN_POLICY } from './constants.js';

export function requireKeyAccess(key: SlotKey, ctx: PivContext): void {
  if (key.pinPolicy === PIN_POLICY.NEVER) return;
  if (!ctx.session.pinVerified) throw new SwError(SW.SECURITY_STATUS);
  if (key.pinPolicy === PIN_POLICY.ALWAYS && !ctx.armed) throw new SwError(SW.SECURITY_STATUS);
}
