// Encoders for the extensions the CA writes (RFC 5280 §4.2 for certificates,
// §5.2/§5.3 for CRLs; RFC 6960 §4.2.2.2.1 for id-pkix-ocsp-nocheck). Each
// returns the DER of one Extension ::= SEQUENCE { extnID, critical, extnValue }.
import {
  bigInteger,
  bitString,
  booleanTrue,
  enumerated,
  explicit,
  implicit,
  nullValue,
  objectIdentifier,
  octetString,
  seq,
  smallInteger,
} from './der.js';
import { oid } from './oids.js';

export type ExtensionDer = Buffer;

export function extension(extnID: string, critical: boolean, valueDer: Uint8Array): ExtensionDer {
  return critical
    ? seq(objectIdentifier(extnID), booleanTrue(), octetString(valueDer))
    : seq(objectIdentifier(extnID), octetString(valueDer));
}

/** GeneralName uniformResourceIdentifier [6] IA5String */
function uri(url: string): Buffer {
  return implicit(6, Buffer.from(url, 'ascii'));
}

export const keyUsageBits = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;
export type KeyUsageName = keyof typeof keyUsageBits;

/** Named bits as a DER BIT STRING: trailing zero bits dropped (X.690 §11.2.2). */
export function keyUsageBitString(names: readonly KeyUsageName[]): Buffer {
  let mask = 0;
  for (const n of names) mask |= 0x80 >> keyUsageBits[n];
  if (mask === 0) return bitString(new Uint8Array(0));
  let unused = 0;
  while ((mask & (1 << unused)) === 0) unused++;
  return bitString(Uint8Array.of(mask), unused);
}

export function keyUsage(names: readonly KeyUsageName[]): ExtensionDer {
  return extension(oid.keyUsage, true, keyUsageBitString(names));
}

export function basicConstraints(ca: boolean, pathLen?: number): ExtensionDer {
  const parts: Buffer[] = [];
  if (ca) parts.push(booleanTrue());
  if (ca && pathLen !== undefined) parts.push(smallInteger(pathLen));
  return extension(oid.basicConstraints, true, seq(...parts));
}

export function extKeyUsage(purposes: readonly string[], critical = false): ExtensionDer {
  return extension(oid.extKeyUsage, critical, seq(...purposes.map(objectIdentifier)));
}

export function certificatePolicies(policies: readonly string[]): ExtensionDer {
  return extension(oid.certificatePolicies, false, seq(...policies.map((p) => seq(objectIdentifier(p)))));
}

export function subjectKeyIdentifier(id: Uint8Array): ExtensionDer {
  return extension(oid.subjectKeyIdentifier, false, octetString(id));
}

export function authorityKeyIdentifier(id: Uint8Array): ExtensionDer {
  // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING, ... }
  return extension(oid.authorityKeyIdentifier, false, seq(implicit(0, id)));
}

export function authorityInfoAccess(ocspUrl: string, caIssuersUrl: string): ExtensionDer {
  const desc = (method: string, url: string): Buffer => seq(objectIdentifier(method), uri(url));
  return extension(oid.authorityInfoAccess, false, seq(desc(oid.adOcsp, ocspUrl), desc(oid.adCaIssuers, caIssuersUrl)));
}

export function crlDistributionPoints(url: string): ExtensionDer {
  // DistributionPoint { distributionPoint [0] { fullName [0] GeneralNames } }
  return extension(oid.cRLDistributionPoints, false, seq(seq(explicit(0, explicit(0, uri(url))))));
}

export function ocspNoCheck(): ExtensionDer {
  return extension(oid.ocspNoCheck, false, nullValue());
}

export function crlNumber(n: bigint): ExtensionDer {
  return extension(oid.crlNumber, false, bigInteger(n));
}

export function crlReason(code: number): ExtensionDer {
  return extension(oid.crlReason, false, enumerated(code));
}
