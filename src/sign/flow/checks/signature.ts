// Check 5 — the card's signature over the signed attributes the SERVER
// builds from its own record of the request and the verified certificate
// (../request-signing-input.ts), never from anything the terminal sent but
// the certificate and the signature. Before any registry I/O.
import { verify } from 'node:crypto';
import { SigningFailure } from '../../codes.js';
import { requestSignedAttributes, requestSigningInput } from '../request-signing-input.js';
import { need, type SignCheck } from './context.js';

export const signature: SignCheck = {
  name: 'signature',
  run(ctx) {
    const r = need(ctx.request, 'request');
    const signer = need(ctx.signer, 'verified certificate');
    const attrs = requestSignedAttributes({ ...r, signingTime: new Date(r.signingTime) }, requestSigningInput(r).input, need(ctx.unverifiedCertDer, 'certificate bytes'));
    let ok: boolean;
    try {
      ok = verify('sha256', attrs.der, { key: signer.publicKey, dsaEncoding: 'der' }, need(ctx.unverifiedSignature, 'signature bytes'));
    } catch (err) {
      throw new SigningFailure('signature_malformed', 'the signature is not a DER ECDSA-Sig-Value', err);
    }
    if (!ok) throw new SigningFailure('signature_invalid', 'the signature does not verify over the request\'s signed attributes');
    ctx.signedAttributes = attrs;
  },
};
