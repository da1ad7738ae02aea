// Flow 1 step 7 (last part): "sets a random PUK given to the citizen once".
// The step runs where the citizen is (CardholderSteps.setPuk: eight CSPRNG
// digits, CHANGE REFERENCE DATA from the factory PUK, shown once at the
// station); the engine learns only the outcome and checks the card itself:
// the PUK must no longer be the factory one. Never stored.
//
// If the card's PUK is no longer the factory one while the job has not
// recorded this step, the process died after the card took a PUK that no one
// may ever have seen: the PUK is lost, and with it the citizen's way to
// unblock the PIN. Nothing is registered yet, so the card is wiped and the
// personalisation starts over (WipeRequired).
import type { IssuanceStep } from '../engine/context.js';
import { WipeRequired } from '../engine/context.js';
import { cardRefused } from '../lib/card-refused.js';

export const setPuk: IssuanceStep = {
  name: 'set-puk',
  title: 'Set the PUK (shown once)',
  async run(ctx) {
    const meta = await ctx.piv.getMetadata(0x81);
    if (meta.ok && meta.metadata.isDefault === false) throw new WipeRequired('the PUK was set by an interrupted run and is lost');
    await ctx.cardholder.setPuk();
    const after = await ctx.piv.getMetadata(0x81);
    if (!after.ok || after.metadata.isDefault !== false) throw cardRefused('CHANGE REFERENCE DATA (PUK)', 'the PUK is still the factory PUK');
  },
};
