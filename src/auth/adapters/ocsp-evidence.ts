// EvidenceOcsp over the service's own OCSP responder (pki): the same
// responder, key and status source as /pki/ocsp, asked with a request the
// service builds for the card certificate and the transaction's nonce, so the
// response is fresh (a nonce bypasses the responder's cache) and names this
// transaction. Anything but a signed `successful` response is an error: the
// evidence is then not given and the caller fails closed.
import { buildOcspRequest, type CaCertificate, type OcspResponder } from '../../../pki/index.js';
import type { EvidenceOcsp } from '../ports.js';

export function responderEvidence(deps: { readonly issuing: CaCertificate; readonly responder: Pick<OcspResponder, 'respond'> }): EvidenceOcsp {
  return {
    async responseFor(certSerialHex, nonce) {
      const answer = await deps.responder.respond(buildOcspRequest({ issuer: deps.issuing, serialHex: certSerialHex, nonce }));
      if (answer.responseStatus !== 'successful') throw new Error(`the OCSP responder answered ${answer.responseStatus}${answer.code ? ` (${answer.code})` : ''}`);
      return answer.der;
    },
  };
}
