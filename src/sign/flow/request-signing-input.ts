// What the card signs for a sign request, built the same way by the server
// (from its own record) and by the terminal (from the fields it shows):
//   1. the signing input v2 (src/auth/signing-input-v2.ts) of the view
//      {purpose "sign", rp {id, name}, nonce, terminalId, no transaction,
//      no consent, no attributes, document {sha256, title, summary}};
//   2. the CAdES signed attributes (../cades/signed-attributes.ts) over the
//      document digest, naming the card's 9C certificate, with that input as
//      content-identifier (RFC 2634 §2.7) — and, for a detached signature,
//      the request's signing time and the title as content-hints; a PDF
//      carries both in its signature dictionary (/M, /Reason) instead;
//   3. the card signs SHA-256 of their DER.
// So the signature a standard tool validates is bound to the request, the
// terminal, the relying party and the text the citizen was shown.
import { signingInputV2, signingInputV2Text, SIGNING_INPUT_V2_DOMAIN, type SigningInputV2View } from '../../auth/signing-input-v2.js';
import { buildSignedAttributes, type SignedAttributes } from '../cades/signed-attributes.js';
import type { SignContainer } from './types.js';

export interface RequestFields {
  readonly rpId: string;
  readonly rpName: string;
  readonly nonce: string;
  readonly terminalId: string;
  readonly title: string;
  readonly summary: string;
  readonly documentSha256: string;
}

export function requestView(r: RequestFields): SigningInputV2View {
  return {
    purpose: 'sign',
    rp: { id: r.rpId, name: r.rpName },
    nonce: r.nonce,
    terminalId: r.terminalId,
    transaction: null,
    consentText: null,
    requestedAttributes: [],
    document: { sha256: r.documentSha256, title: r.title, summary: r.summary },
  };
}

export function requestSigningInput(r: RequestFields): { readonly domain: string; readonly canonical: string; readonly input: Buffer } {
  const view = requestView(r);
  return { domain: SIGNING_INPUT_V2_DOMAIN, canonical: signingInputV2Text(view), input: signingInputV2(view) };
}

export function requestSignedAttributes(
  r: RequestFields & { readonly container: SignContainer; readonly signingTime: Date },
  input: Uint8Array,
  signerCertificate: Uint8Array,
): SignedAttributes {
  return buildSignedAttributes({
    documentDigest: Buffer.from(r.documentSha256, 'hex'),
    signerCertificate,
    contentIdentifier: input,
    ...(r.container === 'cades' ? { signingTime: r.signingTime, title: r.title } : {}),
  });
}
