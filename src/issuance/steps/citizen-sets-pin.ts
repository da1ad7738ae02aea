// Flow 1 step 7 (second part): "lets the citizen choose the PIN on the PIN pad
// (the PIN goes from the pad to the card only)". The step runs where the pad
// is (CardholderSteps.choosePin: the station's pad, CHANGE REFERENCE DATA
// from the factory PIN); the engine learns only the outcome and then checks
// the card itself: the PIN must no longer be the factory one.
//
// Re-runnable: if the card's PIN is no longer the factory one (GET METADATA
// 80, is-default), the citizen already chose it before the crash.
import type { IssuanceStep } from '../engine/context.js';
import { cardRefused } from '../lib/card-refused.js';

export const citizenSetsPin: IssuanceStep = {
  name: 'citizen-sets-pin',
  title: 'The citizen chooses the PIN',
  async run(ctx) {
    const meta = await ctx.piv.getMetadata(0x80);
    if (meta.ok && meta.metadata.isDefault === false) return;
    await ctx.cardholder.choosePin();
    const after = await ctx.piv.getMetadata(0x80);
    if (!after.ok || after.metadata.isDefault !== false) throw cardRefused('CHANGE REFERENCE DATA', 'the PIN is still the factory PIN');
  },
};
