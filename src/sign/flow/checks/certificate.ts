// Check 4 — the certificate is a card SIGNATURE certificate of the national
// issuing CA, valid now: chain, the card-sign profile (digitalSignature and
// nonRepudiation, no extended key usage — an authentication certificate,
// clientAuth, is refused: its key never signs documents), policy "key on
// card, PIN always". Cached per certificate inside the verifier.
import { need, type SignCheck } from './context.js';

export const certificate: SignCheck = {
  name: 'certificate',
  async run(ctx) {
    ctx.signer = await ctx.deps.verifier.verify(need(ctx.unverifiedCertDer, 'certificate bytes'), ctx.now);
  },
};
