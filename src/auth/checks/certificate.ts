// Check 4 — parse the certificate and check chain to the national issuing CA,
// purpose (clientAuth, digitalSignature) and policy (key on card, PIN always)
// and validity at the service's time. Cached per certificate hash inside the
// verifier (pki), so a returning card costs a hash and a map lookup.
import type { Bounded, ResponseCheck } from './context.js';
import type { VerifiedCard } from '../ports.js';

export const certificate: ResponseCheck<Bounded, { card: VerifiedCard }> = {
  name: 'certificate',
  async run(ctx) {
    return { card: await ctx.deps.verifier.verify(ctx.unverifiedCertDer, ctx.now) };
  },
};
