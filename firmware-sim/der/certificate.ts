// X.509 v3 certificates (RFC 5280 §4.1) built and signed by the simulator: the
// manufacturer root, the per-card F9 attestation certificate and the
// attestation certificates of generated keys. ECDSA signatures (RFC 5758 §3.2):
// ecdsa-with-SHA256 for P-256 issuers, ecdsa-with-SHA384 for P-384 issuers;
// sha256WithRSAEncryption (RFC 4055) for an RSA F9 key, as on real YubiKeys.

import { createHash, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { children } from './read.js';
import { bitString, bool, explicit, int, nul, octets, oid, printable, seq, set, time, uint, utf8 } from './encode.js';

export const OID = {
  commonName: '2.5.4.3',
  serialNumber: '2.5.4.5',
  organizationName: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  /** Yubico PIV attestation extensions (yubico-piv-tool doc "PIV attestation"). */
  yubicoFirmware: '1.3.6.1.4.1.41482.3.3',
  yubicoSerial: '1.3.6.1.4.1.41482.3.7',
  yubicoPolicy: '1.3.6.1.4.1.41482.3.8',
  yubicoFormFactor: '1.3.6.1.4.1.41482.3.9',
} as const;

export type NameAttr = readonly [type: 'CN' | 'O' | 'serialNumber', value: string];

/** RFC 5280 §4.1.2.4 Name: one attribute per RDN, in the order given. */
export function encodeName(attrs: readonly NameAttr[]): Uint8Array {
  return seq(...attrs.map(([t, v]) => {
    if (t === 'serialNumber') return set(seq(oid(OID.serialNumber), printable(v)));
    return set(seq(oid(t === 'CN' ? OID.commonName : OID.organizationName), utf8(v)));
  }));
}

export interface Extension {
  readonly oid: string;
  readonly critical?: boolean;
  /** The extnValue contents (what goes inside the OCTET STRING). */
  readonly value: Uint8Array;
}

export function extension(e: Extension): Uint8Array {
  return seq(oid(e.oid), ...(e.critical ? [bool(true)] : []), octets(e.value));
}

/** keyIdentifier per RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spki: Uint8Array): Uint8Array {
  const [, bits] = children(spki);
  if (bits === undefined || bits.tag !== 0x03) throw new Error('not a SubjectPublicKeyInfo');
  return new Uint8Array(createHash('sha1').update(bits.value.subarray(1)).digest());
}

export interface CertificateTemplate {
  readonly serial: Uint8Array;
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  /** The encoded Validity SEQUENCE (see `validity`), copied verbatim for attestations. */
  readonly validity: Uint8Array;
  readonly spki: Uint8Array;
  readonly extensions: readonly Extension[];
}

/** Build the TBSCertificate, sign it with the issuer's EC key, return the DER certificate. */
export function signCertificate(t: CertificateTemplate, issuerKey: KeyObject): Uint8Array {
  const curve = issuerKey.asymmetricKeyDetails?.namedCurve;
  // RFC 4055 §5: sha256WithRSAEncryption carries NULL parameters; RFC 5758
  // §3.2: the ECDSA identifiers carry none.
  const [sigAlg, hash] = issuerKey.asymmetricKeyType === 'rsa'
    ? [seq(oid(OID.sha256WithRsa), nul()), 'sha256'] as const
    : curve === 'secp384r1'
      ? [seq(oid(OID.ecdsaWithSha384)), 'sha384'] as const
      : [seq(oid(OID.ecdsaWithSha256)), 'sha256'] as const;
  const tbs = seq(
    explicit(0, int(2)),
    uint(t.serial),
    sigAlg,
    t.issuer,
    t.validity,
    t.subject,
    t.spki,
    explicit(3, seq(...t.extensions.map(extension))),
  );
  const signature = sign(hash, tbs, issuerKey);
  return seq(tbs, sigAlg, bitString(new Uint8Array(signature)));
}

export function validity(notBefore: Date, notAfter: Date): Uint8Array {
  return seq(time(notBefore), time(notAfter));
}

/** A positive 16-byte random serial (RFC 5280 §4.1.2.2: ≤ 20 octets, positive). */
export function randomSerial(random: (n: number) => Uint8Array): Uint8Array {
  const s = random(16);
  s[0] = (s[0]! & 0x7f) | 0x01;
  return s;
}

export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
