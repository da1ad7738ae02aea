// Reads the fields of an unverified certificate that node:crypto's
// X509Certificate does not expose (RFC 5280 §4.1): both signature algorithm
// identifiers, the subject attributes, and every extension with its critical
// flag, plus the decoded keyUsage bits, EKU purposes and policy OIDs.
//   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
//   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, serialNumber, signature,
//     issuer, validity, subject, subjectPublicKeyInfo, issuerUniqueID [1] IMPLICIT OPTIONAL,
//     subjectUniqueID [2] IMPLICIT OPTIONAL, extensions [3] EXPLICIT OPTIONAL }
// Structure errors become cert_malformed; nothing here trusts the content.
import { PkiError } from '../errors.js';
import {
  booleanDefaultFalseOf,
  children,
  DerError,
  explicitVersionOf,
  expect,
  integerBytes,
  isContext,
  oidOf,
  readOne,
  stringOf,
  TAG,
  type Tlv,
} from '../lib/der-reader.js';
import { keyUsageBits, type KeyUsageName } from '../lib/extensions.js';
import { oid } from '../lib/oids.js';

export interface RawExtension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

export interface CertificateFields {
  readonly outerSignatureAlgorithm: string;
  readonly tbsSignatureAlgorithm: string;
  readonly subject: ReadonlyMap<string, string>;
  readonly extensions: readonly RawExtension[];
  readonly keyUsage: ReadonlySet<KeyUsageName> | undefined;
  readonly extKeyUsage: readonly string[] | undefined;
  readonly policies: readonly string[] | undefined;
  readonly basicConstraintsCa: boolean;
  /** basicConstraints (RFC 5280 §4.2.1.9) when the extension is present; pathLen only with cA TRUE. */
  readonly basicConstraints: { readonly ca: boolean; readonly pathLen: number | undefined } | undefined;
}

function seqOf(t: Tlv | undefined, what: string): Tlv[] {
  return children(expect(t, TAG.sequence, what));
}

function decodeKeyUsage(value: Uint8Array): Set<KeyUsageName> {
  const bs = expect(readOne(value), TAG.bitString, 'keyUsage').value;
  if (bs.length < 1 || (bs[0] as number) > 7) throw new DerError('keyUsage BIT STRING malformed');
  const bytes = bs.subarray(1);
  const out = new Set<KeyUsageName>();
  for (const [name, bit] of Object.entries(keyUsageBits) as [KeyUsageName, number][]) {
    if ((((bytes[bit >> 3] ?? 0) as number) & (0x80 >> (bit & 7))) !== 0) out.add(name);
  }
  return out;
}

/**
 * BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }.
 * A pathLenConstraint without cA TRUE is refused (§4.2.1.9: CAs MUST NOT
 * include it unless cA is asserted), as is a negative one.
 */
function decodeBasicConstraints(value: Uint8Array): { ca: boolean; pathLen: number | undefined } {
  const parts = seqOf(readOne(value), 'basicConstraints');
  let i = 0;
  let ca = false;
  if (parts[i]?.tag === TAG.boolean) ca = booleanDefaultFalseOf(parts[i++] as Tlv, 'basicConstraints cA');
  let pathLen: number | undefined;
  if (parts[i]?.tag === TAG.integer) {
    const bytes = integerBytes(parts[i++], 'pathLenConstraint');
    if (((bytes[0] as number) & 0x80) !== 0) throw new DerError('basicConstraints: negative pathLenConstraint');
    if (bytes.length > 4) throw new DerError('basicConstraints: pathLenConstraint too large');
    pathLen = bytes.reduce((n, b) => n * 256 + b, 0);
    if (!ca) throw new DerError('basicConstraints: pathLenConstraint without cA');
  }
  if (i !== parts.length) throw new DerError('basicConstraints: unexpected content');
  return { ca, pathLen };
}

function readFields(der: Uint8Array): CertificateFields {
  const cert = seqOf(readOne(der), 'Certificate');
  if (cert.length !== 3) throw new DerError('Certificate must have 3 parts');
  expect(cert[2], TAG.bitString, 'signatureValue');
  const tbs = seqOf(cert[0], 'TBSCertificate');
  const outerSignatureAlgorithm = oidOf(seqOf(cert[1], 'signatureAlgorithm')[0], 'signatureAlgorithm');
  const i = isContext(tbs[0], 0) ? 1 : 0;
  // version [0] EXPLICIT DEFAULT v1: 1 = v2, 2 = v3 (§4.1.2.1); v1 is never written out.
  const version = i === 1 ? explicitVersionOf(tbs[0] as Tlv, 'version') : 0;
  if (version > 2) throw new DerError('version: unknown certificate version');
  const tbsSignatureAlgorithm = oidOf(seqOf(tbs[i + 1], 'signature')[0], 'signature');
  const subject = new Map<string, string>();
  for (const rdn of children(expect(tbs[i + 4], TAG.sequence, 'subject'))) {
    for (const atv of children(expect(rdn, TAG.set, 'RDN'))) {
      const [type, value] = seqOf(atv, 'AttributeTypeAndValue');
      const key = oidOf(type, 'attribute type');
      if (subject.has(key)) throw new DerError(`subject repeats attribute ${key}`);
      subject.set(key, stringOf(value, key));
    }
  }
  expect(tbs[i + 5], TAG.sequence, 'subjectPublicKeyInfo');
  const extensions: RawExtension[] = [];
  for (const part of tbs.slice(i + 6)) {
    if (!isContext(part, 3)) continue;
    if (version !== 2) throw new DerError('extensions in a certificate that is not v3 (RFC 5280 §4.1.2.1)');
    const [list, ...rest] = children(part);
    if (rest.length > 0) throw new DerError('extensions: unexpected content');
    for (const e of seqOf(list, 'extensions')) {
      const f = seqOf(e, 'Extension');
      const id = oidOf(f[0], 'extnID');
      let critical = false;
      let valueNode = f[1];
      if (valueNode?.tag === TAG.boolean) {
        critical = booleanDefaultFalseOf(valueNode, `extension ${id} critical`);
        valueNode = f[2];
      }
      const value = expect(valueNode, TAG.octetString, 'extnValue').value;
      if (f.length !== (critical ? 3 : 2)) throw new DerError(`extension ${id}: unexpected content`);
      if (extensions.some((x) => x.oid === id)) throw new DerError(`extension ${id} appears twice`);
      extensions.push({ oid: id, critical, value });
    }
  }
  const find = (id: string): RawExtension | undefined => extensions.find((e) => e.oid === id);
  const ku = find(oid.keyUsage);
  const eku = find(oid.extKeyUsage);
  const cp = find(oid.certificatePolicies);
  const bc = find(oid.basicConstraints);
  const basicConstraints = bc ? decodeBasicConstraints(bc.value) : undefined;
  return {
    outerSignatureAlgorithm,
    tbsSignatureAlgorithm,
    subject,
    extensions,
    keyUsage: ku ? decodeKeyUsage(ku.value) : undefined,
    extKeyUsage: eku ? seqOf(readOne(eku.value), 'extKeyUsage').map((v) => oidOf(v, 'purpose')) : undefined,
    policies: cp ? seqOf(readOne(cp.value), 'certificatePolicies').map((p) => oidOf(seqOf(p, 'PolicyInformation')[0], 'policy')) : undefined,
    basicConstraintsCa: basicConstraints?.ca ?? false,
    basicConstraints,
  };
}

export function readCertificateFields(der: Uint8Array): CertificateFields {
  try {
    return readFields(der);
  } catch (err) {
    if (err instanceof DerError) throw new PkiError('cert_malformed', err.message, { cause: err });
    throw err;
  }
}
