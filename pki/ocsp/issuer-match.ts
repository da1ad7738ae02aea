// Whether a CertID names our issuing CA (RFC 6960 §4.1.1: issuerNameHash =
// H(issuer DN DER), issuerKeyHash = H(issuer subjectPublicKey bits)), for
// the hash algorithms clients use (SHA-1 by default in OpenSSL, SHA-256).
import { createHash } from 'node:crypto';
import type { CaCertificate } from '../ca/ca-certificate.js';
import { oid } from '../lib/oids.js';
import type { RequestedCertId } from './parse-request.js';

export type IssuerMatcher = (certId: RequestedCertId) => boolean;

export function issuerMatcher(issuer: CaCertificate): IssuerMatcher {
  const hashes = new Map<string, { name: Buffer; key: Buffer }>();
  for (const [algOid, alg] of [
    [oid.sha1, 'sha1'],
    [oid.sha256, 'sha256'],
  ] as const) {
    hashes.set(algOid, {
      name: createHash(alg).update(issuer.subjectDer).digest(),
      key: createHash(alg).update(issuer.publicKeyBits).digest(),
    });
  }
  return (certId) => {
    const h = hashes.get(certId.hashAlgorithm);
    return h !== undefined && h.name.equals(certId.issuerNameHash) && h.key.equals(certId.issuerKeyHash);
  };
}
