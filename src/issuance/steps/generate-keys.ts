// Flow 1 step 4: "Generates the authentication key on the card (slot 9A,
// P-256, PIN policy ALWAYS) and optionally the signature key (9C). Private
// keys never leave the card." GENERATE ASYMMETRIC KEY PAIR (SP 800-73-4 Part
// 2 §3.3.2) with the Yubico PIN policy tag AA = 03 (always): every use of the
// key needs a VERIFY right before it, which is what lets a signature prove
// the PIN was entered (flow 2 of docs/architecture.md).
//
// Re-runnable: generating again replaces the key; the job records the key
// the card holds now.
import { pivKeySlots } from '../../card/piv/constants.js';
import type { IssuanceStep, StepContext } from '../engine/context.js';
import type { JobKey } from '../engine/job.js';
import { fromB64, sameBytes, toB64 } from '../lib/b64.js';
import { cardRefused } from '../lib/card-refused.js';

export function slotsToGenerate(ctx: StepContext): number[] {
  return ctx.options.signatureKey ? [pivKeySlots.AUTHENTICATION, pivKeySlots.SIGNATURE] : [pivKeySlots.AUTHENTICATION];
}

/** Does the card hold, in every slot of the job, the very key the job recorded? */
export async function cardHoldsJobKeys(ctx: StepContext): Promise<boolean> {
  const keys = ctx.data.keys ?? [];
  if (keys.length !== slotsToGenerate(ctx).length) return false;
  for (const k of keys) {
    const m = await ctx.piv.getMetadata(k.slot as 0x9a);
    if (!m.ok || m.metadata.publicKey === undefined) return false;
    const spki = new Uint8Array(m.metadata.publicKey.export({ type: 'spki', format: 'der' }));
    if (!sameBytes(spki, fromB64(k.spki)) || m.metadata.pinPolicy !== 'always' || m.metadata.origin !== 'generated') return false;
  }
  return true;
}

export const generateKeys: IssuanceStep = {
  name: 'generate-keys',
  title: 'Generate the citizen’s keys on the card (P-256, PIN always)',
  async run(ctx) {
    await ctx.authenticateManagementKey();
    const keys: JobKey[] = [];
    for (const slot of slotsToGenerate(ctx)) {
      const g = await ctx.piv.generateKey(slot as 0x9a, 'ECCP256', { pinPolicy: 'always', touchPolicy: 'never' });
      if (!g.ok) throw cardRefused(`GENERATE KEY in slot ${slot.toString(16)}`, g.reason);
      keys.push({ slot, spki: toB64(g.spki) });
    }
    return { ...ctx.data, keys };
  },
  stillHolds: cardHoldsJobKeys,
};
