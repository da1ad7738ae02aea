// Flow 1 step 3: "Authenticates with the factory management key and replaces
// it with a per-card key derived from a master secret and the card serial".
// The key is derived again whenever it is needed (../lib/diversify-
// management-key.ts) and zeroed after use; it is never stored or logged.
//
// Re-runnable: if the card already takes the diversified key (the process
// died after SET MANAGEMENT KEY but before the registry recorded the step),
// the step is done.
import type { IssuanceStep, StepContext } from '../engine/context.js';
import { cardRefused } from '../lib/card-refused.js';
import { FACTORY_MANAGEMENT_KEY_TDES } from '../lib/factory-defaults.js';

async function takesDiversifiedKey(ctx: StepContext): Promise<boolean> {
  const key = await ctx.deps.managementKeys.derive(ctx.serial, ctx.options.managementKeyType);
  try {
    const meta = await ctx.piv.getMetadata(0x9b);
    // Ask only when the card's key type is ours: a wrong-type attempt is a failed authentication.
    if (!meta.ok || meta.metadata.algorithm !== ctx.options.managementKeyType) return false;
    return (await ctx.piv.authenticateManagementKey(key, ctx.options.managementKeyType)).ok;
  } finally {
    key.fill(0);
  }
}

export const diversifyManagementKey: IssuanceStep = {
  name: 'diversify-management-key',
  title: 'Replace the factory management key with the card’s own key',
  async run(ctx) {
    if (await takesDiversifiedKey(ctx)) return;
    const auth = await ctx.piv.authenticateManagementKey(FACTORY_MANAGEMENT_KEY_TDES, 'TDES');
    if (!auth.ok) throw cardRefused('the factory management key', auth.reason);
    const key = await ctx.deps.managementKeys.derive(ctx.serial, ctx.options.managementKeyType);
    try {
      const set = await ctx.piv.setManagementKey(key, ctx.options.managementKeyType);
      if (!set.ok) throw cardRefused('SET MANAGEMENT KEY', set.reason);
    } finally {
      key.fill(0);
    }
    // Prove the new key works before recording the step: a key the card took
    // wrongly would lock us out of every later step.
    if (!(await takesDiversifiedKey(ctx))) throw cardRefused('the new management key', 'authentication failed');
  },
  async stillHolds(ctx) {
    return takesDiversifiedKey(ctx);
  },
};

