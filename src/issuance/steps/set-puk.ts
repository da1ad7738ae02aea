// Flow 1 step 7 (last part): "sets a random PUK given to the citizen once".
// Eight CSPRNG digits (../lib/puk.ts), CHANGE REFERENCE DATA of the PUK from
// its factory value, then shown on the PukDisplay exactly once. Never stored.
//
// If the card's PUK is no longer the factory one while the job has not
// recorded this step, the process died after the card took a PUK that no one
// may ever have seen: the PUK is lost, and with it the citizen's way to
// unblock the PIN. Nothing is registered yet, so the card is wiped and the
// personalisation starts over (WipeRequired).
import type { IssuanceStep } from '../engine/context.js';
import { WipeRequired } from '../engine/context.js';
import { cardRefused } from '../lib/card-refused.js';
import { FACTORY_PUK } from '../lib/factory-defaults.js';
import { generatePuk } from '../lib/puk.js';

export const setPuk: IssuanceStep = {
  name: 'set-puk',
  title: 'Set the PUK (shown once)',
  async run(ctx) {
    const meta = await ctx.piv.getMetadata(0x81);
    if (meta.ok && meta.metadata.isDefault === false) throw new WipeRequired('the PUK was set by an interrupted run and is lost');
    const puk = generatePuk();
    const r = await ctx.piv.changePuk(FACTORY_PUK, puk);
    if (!r.ok) throw cardRefused('CHANGE REFERENCE DATA (PUK)', r.reason);
    await ctx.pukDisplay.show(puk);
  },
};
