// Whether a CertID names our issuing CA (RFC 6960 §4.1.1: issuerNameHash =
// H(issuer DN DER), issuerKeyHash = H(issuer subjectPublicKey bits)), for
// the hash algorithms clients use (SHA-1 by default in OpenSSL, SHA-256).
import { createHash } from 'node:crypto';
import type * as pkijs from 'pkijs';
import type { CaCertificate } from '../ca/ca-certificate.js';
import { nameDer } from '../lib/names.js';
import { oid } from '../lib/oids.js';
import { subjectPublicKeyBits } from '../lib/spki.js';

export type IssuerMatcher = (certId: pkijs.CertID) => boolean;

export function issuerMatcher(issuer: CaCertificate): IssuerMatcher {
  const name = nameDer(issuer.subject);
  const key = subjectPublicKeyBits(issuer.x509.publicKey);
  const hashes = new Map<string, { name: Buffer; key: Buffer }>();
  for (const [algOid, alg] of [
    [oid.sha1, 'sha1'],
    [oid.sha256, 'sha256'],
  ] as const) {
    hashes.set(algOid, {
      name: createHash(alg).update(name).digest(),
      key: createHash(alg).update(key).digest(),
    });
  }
  return (certId) => {
    const h = hashes.get(certId.hashAlgorithm.algorithmId);
    if (!h) return false;
    return (
      h.name.equals(Buffer.from(certId.issuerNameHash.valueBlock.valueHexView)) &&
      h.key.equals(Buffer.from(certId.issuerKeyHash.valueBlock.valueHexView))
    );
  };
}
