// Check 4 — parse the certificate and check chain to the national issuing CA,
// purpose (clientAuth, digitalSignature) and policy (key on card, PIN always)
// and validity at the service's time. Cached per certificate hash inside the
// verifier (pki), so a returning card costs a hash and a map lookup.
import { need, type ResponseCheck } from './context.js';

export const certificate: ResponseCheck = {
  name: 'certificate',
  async run(ctx) {
    ctx.card = await ctx.deps.verifier.verify(need(ctx.unverifiedCertDer, 'certificate bytes'), ctx.now);
  },
};
