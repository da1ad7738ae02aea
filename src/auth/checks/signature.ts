// Check 5 — the card's ECDSA P-256 signature over the signing input the
// SERVER computed from its own challenge record (docs/architecture.md, "The signing input"), with the
// certificate's cached KeyObject. The card signs the 32-byte input as a hash
// value; node:crypto verifies that as ECDSA-with-SHA-256 over the input's
// preimage (./signing-input.ts). Checked before any registry I/O, so a forged
// response costs the attacker a challenge and us no database query.
import { verify } from 'node:crypto';
import { AuthFailure } from '../codes.js';
import { recordPreimage } from '../signing-input.js';
import type { Certified, ResponseCheck } from './context.js';

export const signature: ResponseCheck<Certified, { preimage: Buffer }> = {
  name: 'signature',
  run(ctx) {
    const preimage = recordPreimage(ctx.challenge);
    let ok: boolean;
    try {
      ok = verify('sha256', preimage, { key: ctx.card.publicKey, dsaEncoding: 'der' }, ctx.unverifiedSignature);
    } catch (err) {
      throw new AuthFailure('signature_malformed', 'the signature is not a DER ECDSA-Sig-Value', err);
    }
    if (!ok) throw new AuthFailure('signature_invalid', 'the signature does not verify over the challenge');
    return { preimage };
  },
};
