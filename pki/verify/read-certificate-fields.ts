// Reads the fields of an unverified certificate that node:crypto's
// X509Certificate does not expose (RFC 5280 §4.1): both signature algorithm
// identifiers, the subject attributes, and every extension with its critical
// flag, plus the decoded keyUsage bits, EKU purposes and policy OIDs.
// Structure errors become cert_malformed; nothing here trusts the content.
import * as asn1js from 'asn1js';
import { PkiError } from '../errors.js';
import { keyUsageBits, type KeyUsageName } from '../lib/extensions.js';
import { oid } from '../lib/oids.js';
import { oidTextOfDer } from '../lib/oid-text.js';

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
}

function malformed(message: string): PkiError {
  return new PkiError('cert_malformed', message);
}

function asSeq(v: asn1js.AsnType | undefined, what: string): asn1js.AsnType[] {
  if (!(v instanceof asn1js.Sequence) && !(v instanceof asn1js.Set)) throw malformed(`${what} is not a SEQUENCE`);
  return v.valueBlock.value;
}

function oidOf(v: asn1js.AsnType | undefined, what: string): string {
  if (!(v instanceof asn1js.ObjectIdentifier)) throw malformed(`${what} is not an OID`);
  try {
    return oidTextOfDer(v.valueBeforeDecodeView.length > 0 ? v.valueBeforeDecodeView : new Uint8Array(v.toBER()));
  } catch {
    throw malformed(`${what} is not a valid OID`);
  }
}

function parseDer(bytes: Uint8Array, what: string): asn1js.AsnType {
  const r = asn1js.fromBER(bytes);
  if (r.offset === -1 || r.offset !== bytes.length) throw malformed(`${what} is not one DER value`);
  return r.result;
}

function stringValue(v: asn1js.AsnType | undefined): string {
  if (v && 'valueBlock' in v && typeof (v.valueBlock as { value?: unknown }).value === 'string') {
    return (v.valueBlock as { value: string }).value;
  }
  throw malformed('subject attribute is not a string');
}

function decodeKeyUsage(value: Uint8Array): Set<KeyUsageName> {
  const bs = parseDer(value, 'keyUsage');
  if (!(bs instanceof asn1js.BitString)) throw malformed('keyUsage is not a BIT STRING');
  const bytes = bs.valueBlock.valueHexView;
  const out = new Set<KeyUsageName>();
  for (const [name, bit] of Object.entries(keyUsageBits) as [KeyUsageName, number][]) {
    if (((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0) out.add(name);
  }
  return out;
}

export function readCertificateFields(der: Uint8Array): CertificateFields {
  const cert = asSeq(parseDer(der, 'certificate'), 'Certificate');
  if (cert.length !== 3) throw malformed('Certificate must have 3 parts');
  const tbs = asSeq(cert[0], 'TBSCertificate');
  const outerSignatureAlgorithm = oidOf(asSeq(cert[1], 'signatureAlgorithm')[0], 'signatureAlgorithm');
  let i = 0;
  const first = tbs[0];
  if (first && first.idBlock.tagClass === 3 && first.idBlock.tagNumber === 0) i = 1;
  const tbsSignatureAlgorithm = oidOf(asSeq(tbs[i + 1], 'signature')[0], 'signature');
  const subject = new Map<string, string>();
  for (const rdn of asSeq(tbs[i + 4], 'subject')) {
    for (const atv of asSeq(rdn, 'RDN')) {
      const [type, value] = asSeq(atv, 'AttributeTypeAndValue');
      const key = oidOf(type, 'attribute type');
      if (subject.has(key)) throw malformed(`subject repeats attribute ${key}`);
      subject.set(key, stringValue(value));
    }
  }
  const extensions: RawExtension[] = [];
  for (const part of tbs.slice(i + 6)) {
    if (part.idBlock.tagClass !== 3 || part.idBlock.tagNumber !== 3) continue;
    const list = asSeq((part as asn1js.Constructed).valueBlock.value[0], 'extensions');
    for (const e of list) {
      const f = asSeq(e, 'Extension');
      const id = oidOf(f[0], 'extnID');
      let critical = false;
      let valueNode = f[1];
      if (valueNode instanceof asn1js.Boolean) {
        critical = valueNode.valueBlock.value;
        valueNode = f[2];
      }
      if (!(valueNode instanceof asn1js.OctetString)) throw malformed('extnValue is not an OCTET STRING');
      if (extensions.some((x) => x.oid === id)) throw malformed(`extension ${id} appears twice`);
      extensions.push({ oid: id, critical, value: valueNode.valueBlock.valueHexView });
    }
  }
  const find = (id: string): RawExtension | undefined => extensions.find((e) => e.oid === id);
  const ku = find(oid.keyUsage);
  const eku = find(oid.extKeyUsage);
  const cp = find(oid.certificatePolicies);
  const bc = find(oid.basicConstraints);
  let basicConstraintsCa = false;
  if (bc) {
    const first = asSeq(parseDer(bc.value, 'basicConstraints'), 'basicConstraints')[0];
    basicConstraintsCa = first instanceof asn1js.Boolean && first.valueBlock.value;
  }
  return {
    outerSignatureAlgorithm,
    tbsSignatureAlgorithm,
    subject,
    extensions,
    keyUsage: ku ? decodeKeyUsage(ku.value) : undefined,
    extKeyUsage: eku ? asSeq(parseDer(eku.value, 'extKeyUsage'), 'extKeyUsage').map((v) => oidOf(v, 'purpose')) : undefined,
    policies: cp
      ? asSeq(parseDer(cp.value, 'certificatePolicies'), 'certificatePolicies').map((p) => oidOf(asSeq(p, 'PolicyInformation')[0], 'policy'))
      : undefined,
    basicConstraintsCa,
  };
}
