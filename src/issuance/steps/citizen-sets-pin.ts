// Flow 1 step 7 (second part): "lets the citizen choose the PIN on the PIN pad
// (the PIN goes from the pad to the card only)". CHANGE REFERENCE DATA (SP
// 800-73-4 Part 2 §3.2.2) from the factory PIN to the citizen's. The PIN is
// held in one buffer from the pad to the APDU and zeroed after; it is never
// stored, logged or sent to the service.
//
// FIPS 201-3 §4.3.1: 6 to 8 digits. We also refuse the factory PIN and PINs of
// one repeated digit or a run (123456, 987654): the first ones anyone tries.
//
// Re-runnable: if the card's PIN is no longer the factory one (GET METADATA
// 80, is-default), the citizen already chose it before the crash.
import { issuanceError } from '../codes.js';
import type { IssuanceStep } from '../engine/context.js';
import { cardRefused } from '../lib/card-refused.js';
import { FACTORY_PIN } from '../lib/factory-defaults.js';
import { weakPinReason } from '../lib/pin-rules.js';

const MAX_ATTEMPTS = 3;

export const citizenSetsPin: IssuanceStep = {
  name: 'citizen-sets-pin',
  title: 'The citizen chooses the PIN',
  async run(ctx) {
    const meta = await ctx.piv.getMetadata(0x80);
    if (meta.ok && meta.metadata.isDefault === false) return;
    let reason: string | undefined;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const pin = await ctx.pinPad.readNewPin(reason === undefined ? { attempt } : { attempt, reason });
      try {
        reason = weakPinReason(pin);
        if (reason !== undefined) continue;
        const r = await ctx.piv.changePin(FACTORY_PIN, pin);
        if (r.ok) return;
        throw cardRefused('CHANGE REFERENCE DATA', r.reason);
      } finally {
        pin.fill(0);
      }
    }
    throw issuanceError('issuance_pin_entry_failed', `No acceptable PIN after ${MAX_ATTEMPTS} attempts: ${reason ?? 'unknown'}`);
  },
};
