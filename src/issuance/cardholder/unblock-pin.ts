// PIN unblock with the PUK, at the station: RESET RETRY COUNTER (SP 800-73-4
// Part 2 §3.2.3) with the PUK and the new PIN, both typed on the pad and sent
// only to the card. A wrong PUK costs a PUK try; the card counts, not us.
import type { PivClient } from '../../card/piv/index.js';
import { issuanceError } from '../codes.js';
import { weakPinReason } from '../lib/pin-rules.js';
import type { PinPad } from '../ports/station.js';

export async function unblockPin(piv: PivClient, pinPad: PinPad): Promise<void> {
  const puk = await pinPad.readPin({ purpose: 'PUK' });
  const newPin = await pinPad.readNewPin({ attempt: 1 });
  try {
    const weak = weakPinReason(newPin);
    if (weak !== undefined) throw issuanceError('issuance_pin_entry_failed', weak);
    const r = await piv.unblockPin(puk, newPin);
    if (!r.ok) {
      if (r.reason === 'puk-blocked') throw issuanceError('lifecycle_puk_blocked', 'The PUK is blocked; the card must be replaced');
      if (r.reason === 'wrong-puk') throw issuanceError('lifecycle_wrong_puk', `Wrong PUK (${r.triesLeft} tries left)`, { detail: { triesLeft: r.triesLeft } });
      throw issuanceError('issuance_pin_entry_failed', 'The card refused the new PIN');
    }
  } finally {
    puk.fill(0);
    newPin.fill(0);
  }
}
