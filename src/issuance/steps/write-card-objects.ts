// Flow 1 step 6 (second half): "writes them to the card with CHUID (GUID =
// card UUID) and CCC". PUT DATA (SP 800-73-4 Part 2 §3.3.2) of the
// certificate containers, the CHUID (../lib/chuid.ts) and the CCC
// (../lib/ccc.ts). Writing the same bytes again is harmless, so the step is
// re-runnable as it stands.
import { pivObjects } from '../../card/piv/constants.js';
import type { IssuanceStep } from '../engine/context.js';
import { fromB64, sameBytes } from '../lib/b64.js';
import { buildCcc } from '../lib/ccc.js';
import { buildChuid } from '../lib/chuid.js';
import { cardRefused } from '../lib/card-refused.js';

export const writeCardObjects: IssuanceStep = {
  name: 'write-card-objects',
  title: 'Write the certificates, CHUID and CCC to the card',
  async run(ctx) {
    await ctx.authenticateManagementKey();
    for (const c of ctx.data.certificates ?? []) {
      const w = await ctx.piv.writeCertificate(c.slot as 0x9a, fromB64(c.der));
      if (!w.ok) throw cardRefused(`writing the certificate of slot ${c.slot.toString(16)}`, w.reason);
    }
    const chuid = await ctx.piv.putData(pivObjects.CHUID, buildChuid(ctx.data.cardUuid, new Date(ctx.options.expiresAt)));
    if (!chuid.ok) throw cardRefused('writing the CHUID', chuid.reason);
    const ccc = await ctx.piv.putData(pivObjects.CAPABILITY, buildCcc(ctx.data.cardUuid));
    if (!ccc.ok) throw cardRefused('writing the CCC', ccc.reason);
  },
  async stillHolds(ctx) {
    for (const c of ctx.data.certificates ?? []) {
      const r = await ctx.piv.readCertificate(c.slot as 0x9a);
      if (!r.ok || !sameBytes(r.der, fromB64(c.der))) return false;
    }
    return true;
  },
};
