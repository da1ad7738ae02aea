// Builds an OCSP request (RFC 6960 §4.1.1) for one certificate of our issuing
// CA, for the service's own use: the evidence a relying party keeps with an
// authentication result is the responder's answer to this request. CertID
// with SHA-1 (RFC 5019 §2.1.1: what clients and OpenSSL use by default), and
// a nonce (§4.4.1, RFC 8954: an OCTET STRING of 1–32 octets) that binds the
// answer to one transaction.
//   OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest }
//   TBSRequest  ::= SEQUENCE { requestList SEQUENCE OF Request, requestExtensions [2] EXPLICIT Extensions }
//   Request     ::= SEQUENCE { reqCert CertID }
//   CertID      ::= SEQUENCE { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber }
import { createHash } from 'node:crypto';
import type { CaCertificate } from '../ca/ca-certificate.js';
import { PkiError } from '../errors.js';
import { explicit, nullValue, objectIdentifier, octetString, seq, unsignedInteger } from '../lib/der.js';
import { extension } from '../lib/extensions.js';
import { oid } from '../lib/oids.js';

export function buildOcspRequest(input: { readonly issuer: CaCertificate; readonly serialHex: string; readonly nonce?: Uint8Array }): Buffer {
  if (!/^[0-9a-fA-F]{1,40}$/.test(input.serialHex)) throw new PkiError('ocsp_request_malformed', 'the serial is not 1 to 20 bytes of hex');
  const sha1 = (b: Uint8Array) => createHash('sha1').update(b).digest();
  const serial = Buffer.from(input.serialHex.length % 2 ? `0${input.serialHex}` : input.serialHex, 'hex');
  const certId = seq(seq(objectIdentifier(oid.sha1), nullValue()), octetString(sha1(input.issuer.subjectDer)), octetString(sha1(input.issuer.publicKeyBits)), unsignedInteger(serial));
  const parts = [seq(seq(certId))];
  if (input.nonce !== undefined) {
    if (input.nonce.length < 1 || input.nonce.length > 32) throw new PkiError('ocsp_request_malformed', 'an OCSP nonce is 1 to 32 octets');
    parts.push(explicit(2, seq(extension(oid.ocspNonce, false, octetString(input.nonce)))));
  }
  return seq(seq(...parts));
}
