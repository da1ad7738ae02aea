// Check 9 — evidence, for a challenge created with `evidence: true`: what a
// relying party needs to prove later, without trusting cardauth, that this
// card signed this transaction — the card's certificate, its signature, the
// preimage of the signing input it signed, and a fresh OCSP response for the
// certificate from the service's responder whose nonce is the signing input
// (SHA-256 of the preimage), so it was produced for this very transaction.
// Asked only after every other check passed; a responder that cannot answer
// is 503 `unavailable`, and the challenge goes back as for the card status.
// Challenges without evidence pass through at no cost.
import { createHash } from 'node:crypto';
import { unavailableError } from '../../errors/common-codes.js';
import type { Checked, ResponseCheck } from './context.js';

/** The evidence as the result's `evidence` claim carries it: standard base64 of each. */
export interface ResultEvidence {
  /** DER of the card's authentication certificate (9A). */
  readonly cert: string;
  /** The card's DER ECDSA-Sig-Value over the signing input. */
  readonly sig: string;
  /** The signing input's preimage; the card signed its SHA-256 (the `input` of the challenge). */
  readonly signing_input_preimage: string;
  /** RFC 6960 OCSPResponse for the certificate, its nonce the signing input. */
  readonly ocsp: string;
}

export const evidence: ResponseCheck<Checked, { evidence: ResultEvidence | undefined }> = {
  name: 'evidence',
  whenUnavailable: 'put-back',
  async run(ctx) {
    if (ctx.challenge.evidence !== true) return { evidence: undefined };
    const source = ctx.deps.evidenceOcsp;
    const input = createHash('sha256').update(ctx.preimage).digest();
    let ocsp: Buffer;
    try {
      if (source === undefined) throw new Error('no OCSP responder for evidence');
      ocsp = await source.responseFor(ctx.card.certSerialHex, input);
    } catch (err) {
      throw unavailableError('The evidence cannot be produced now; try again shortly.', { cause: String(err) });
    }
    return {
      evidence: {
        cert: ctx.unverifiedCertDer.toString('base64'),
        sig: ctx.unverifiedSignature.toString('base64'),
        signing_input_preimage: ctx.preimage.toString('base64'),
        ocsp: ocsp.toString('base64'),
      },
    };
  },
};
