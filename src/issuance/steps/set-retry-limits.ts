// Flow 1 step 7 (first part): "Sets retry limits". Yubico SET PIN RETRIES (INS
// FA) needs the management key AND the PIN verified, and resets PIN and PUK
// to their factory values with the new counters (as a YubiKey does). So it runs
// before the citizen chooses the PIN, while the PIN is still the factory one;
// the PIN state is dropped afterwards (VERIFY P1=FF).
import type { IssuanceStep } from '../engine/context.js';
import { cardRefused } from '../lib/card-refused.js';
import { FACTORY_PIN } from '../lib/factory-defaults.js';

export const setRetryLimits: IssuanceStep = {
  name: 'set-retry-limits',
  title: 'Set the PIN and PUK retry limits',
  async run(ctx) {
    const { piv } = ctx;
    const r = await piv.getRetries();
    if (r.ok && r.pin.total === ctx.options.pinRetries && r.puk.total === ctx.options.pukRetries) {
      const pin = await piv.getMetadata(0x80);
      // Already set by a run that died before recording it, and the PIN is still the factory one: done.
      if (pin.ok && pin.metadata.isDefault === true) return;
    }
    const v = await piv.verifyPin(FACTORY_PIN);
    if (!v.ok) throw cardRefused('the factory PIN', v.reason);
    await ctx.authenticateManagementKey();
    const s = await piv.setPinRetries(ctx.options.pinRetries, ctx.options.pukRetries);
    if (!s.ok) throw cardRefused('SET PIN RETRIES', s.reason);
    await piv.logout();
  },
};
