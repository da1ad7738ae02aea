// Flow 1 step 7 (second part), at the station: "lets the citizen choose the
// PIN on the PIN pad (the PIN goes from the pad to the card only)". CHANGE
// REFERENCE DATA (SP 800-73-4 Part 2 §3.2.2) from the factory PIN to the
// citizen's. The PIN is held in one buffer from the pad to the APDU and
// zeroed after; it is never stored, logged or sent to the service.
//
// FIPS 201-3 §4.3.1: 6 to 8 digits. We also refuse the factory PIN and PINs of
// one repeated digit or a run (123456, 987654): the first ones anyone tries.
import type { PivClient } from '../../card/piv/index.js';
import { issuanceError } from '../codes.js';
import { cardRefused } from '../lib/card-refused.js';
import { FACTORY_PIN } from '../lib/factory-defaults.js';
import { weakPinReason } from '../lib/pin-rules.js';
import type { PinPad } from '../ports/station.js';

const MAX_ATTEMPTS = 3;

export async function choosePin(piv: PivClient, pinPad: PinPad): Promise<void> {
  let reason: string | undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const pin = await pinPad.readNewPin(reason === undefined ? { attempt } : { attempt, reason });
    try {
      reason = weakPinReason(pin);
      if (reason !== undefined) continue;
      const r = await piv.changePin(FACTORY_PIN, pin);
      if (r.ok) return;
      throw cardRefused('CHANGE REFERENCE DATA', r.reason);
    } finally {
      pin.fill(0);
    }
  }
  throw issuanceError('issuance_pin_entry_failed', `No acceptable PIN after ${MAX_ATTEMPTS} attempts: ${reason ?? 'unknown'}`);
}
