// A sign request as its terminal needs it: what to show, and everything to
// rebuild — and compare — the bytes the card will sign (./request-signing-input.ts).
import { requestSigningInput } from './request-signing-input.js';
import type { PresentedSignRequest, SignRequestRecord } from './types.js';

export function presentSignRequest(r: SignRequestRecord): PresentedSignRequest {
  const si = requestSigningInput(r);
  return {
    id: r.id,
    nonce: r.nonce,
    expiresAt: new Date(r.expiresAt).toISOString(),
    rpId: r.rpId,
    rpName: r.rpName,
    terminalId: r.terminalId,
    title: r.title,
    summary: r.summary,
    container: r.container,
    document: { sha256: r.documentSha256, ...(r.pdfSha256 ? { pdfSha256: r.pdfSha256 } : {}) },
    signingTime: new Date(r.signingTime).toISOString(),
    signingInput: { domain: si.domain, canonical: si.canonical, input: si.input.toString('hex') },
  };
}
