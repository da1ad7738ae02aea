// The citizen proves the PIN at the station (hand-over activation, the first
// half of a staff-assisted reset): VERIFY on the card, the PIN from the pad
// to the card only.
import type { PivClient } from '../../card/piv/index.js';
import { issuanceError } from '../codes.js';
import type { PinPad } from '../ports/station.js';

export async function verifyPin(piv: PivClient, pinPad: PinPad, purpose: string): Promise<void> {
  const pin = await pinPad.readPin({ purpose });
  try {
    const v = await piv.verifyPin(pin);
    if (!v.ok) {
      if (v.reason === 'blocked') throw issuanceError('lifecycle_pin_blocked', 'The PIN is blocked; unblock it with the PUK first');
      throw issuanceError('lifecycle_wrong_pin', `Wrong PIN (${v.triesLeft} tries left)`, { detail: { triesLeft: v.triesLeft } });
    }
  } finally {
    pin.fill(0);
  }
}
