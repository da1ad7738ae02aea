// Wipe a card back to its factory state (Yubico PIV RESET, INS FB: allowed
// only once both the PIN and the PUK are blocked; it removes every key and
// object except the F9 attestation key and certificate, and restores the
// default PIN, PUK and management key — as a YubiKey does).
//
// We need neither the PIN nor the PUK for this: we block them with wrong
// values. That is the point of the card's rule — a wipe destroys the keys, so
// it cannot be used to reach them — and it is why an interrupted
// personalisation can always be undone, even when the citizen's PIN or the
// generated PUK were lost with the crashed process.
import { randomInt } from 'node:crypto';
import type { PivClient } from '../../card/piv/index.js';
import { issuanceError } from '../codes.js';

/** A value that is almost surely wrong; if it happens to be right the loop just tries again. */
function guess(): string {
  return String(randomInt(0, 100_000_000)).padStart(8, '0');
}

export async function wipeCard(piv: PivClient): Promise<void> {
  // 255 tries is the largest counter a card can have (FA takes one byte).
  for (let i = 0; i < 2 * 256 + 4; i++) {
    const r = await piv.getRetries();
    if (!r.ok) throw issuanceError('issuance_wipe_failed', 'The card does not report its PIN and PUK counters');
    if (r.pin.remaining > 0) {
      await piv.verifyPin(guess());
      continue;
    }
    if (r.puk.remaining > 0) {
      // A wrong PUK costs a PUK try (SP 800-73-4 Part 2 §3.2.3).
      await piv.unblockPin(guess(), guess());
      continue;
    }
    const reset = await piv.reset();
    if (!reset.ok) throw issuanceError('issuance_wipe_failed', 'The card refused to reset although PIN and PUK are blocked');
    const selected = await piv.select();
    if (!selected.ok) throw issuanceError('issuance_wipe_failed', 'The PIV application is gone after the reset');
    return;
  }
  throw issuanceError('issuance_wipe_failed', 'The card kept accepting PIN and PUK tries');
}
