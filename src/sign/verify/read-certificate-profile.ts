// What a validator needs to know of a certificate's profile (RFC 5280
// §4.2.1): key usage bits, extended key usages with the extension's critical
// flag, policy OIDs, whether it is a CA, and any critical extension it does
// not understand. Read with pkijs from DER already parsed for the chain.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { oid } from '../../../pki/index.js';
import { oidOfNode } from './oid-text.js';

export const keyUsageNames = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'] as const;
export type KeyUsageName = (typeof keyUsageNames)[number];

export interface CertificateProfile {
  readonly keyUsage: ReadonlySet<KeyUsageName> | undefined;
  readonly extKeyUsage: readonly string[] | undefined;
  readonly extKeyUsageCritical: boolean;
  readonly policies: readonly string[];
  readonly isCa: boolean;
  readonly unknownCritical: readonly string[];
}

const UNDERSTOOD = new Set<string>([
  oid.keyUsage,
  oid.extKeyUsage,
  oid.basicConstraints,
  oid.certificatePolicies,
  oid.subjectKeyIdentifier,
  oid.authorityKeyIdentifier,
  oid.authorityInfoAccess,
  oid.cRLDistributionPoints,
  oid.subjectAltName,
  oid.ocspNoCheck,
]);

export function readCertificateProfile(cert: pkijs.Certificate): CertificateProfile {
  let keyUsage: Set<KeyUsageName> | undefined;
  let extKeyUsage: string[] | undefined;
  let extKeyUsageCritical = false;
  let policies: string[] = [];
  let isCa = false;
  const unknownCritical: string[] = [];
  for (const e of cert.extensions ?? []) {
    if (e.critical && !UNDERSTOOD.has(e.extnID)) unknownCritical.push(e.extnID);
    const value = asn1js.fromBER(e.extnValue.valueBlock.valueHexView).result;
    if (e.extnID === oid.keyUsage && value instanceof asn1js.BitString) {
      const bytes = value.valueBlock.valueHexView;
      keyUsage = new Set(keyUsageNames.filter((_, bit) => (((bytes[bit >> 3] ?? 0) as number) & (0x80 >> (bit & 7))) !== 0));
    } else if (e.extnID === oid.extKeyUsage) {
      extKeyUsage = value instanceof asn1js.Sequence ? value.valueBlock.value.map((v) => oidOfNode(v)) : [];
      extKeyUsageCritical = e.critical;
    } else if (e.extnID === oid.certificatePolicies) {
      // PolicyInformation ::= SEQUENCE { policyIdentifier, policyQualifiers OPTIONAL }
      policies = value instanceof asn1js.Sequence ? value.valueBlock.value.map((p) => oidOfNode((p as asn1js.Sequence).valueBlock.value[0]!)) : [];
    } else if (e.extnID === oid.basicConstraints) {
      isCa = new pkijs.BasicConstraints({ schema: value }).cA === true;
    }
  }
  return { keyUsage, extKeyUsage, extKeyUsageCritical, policies, isCa, unknownCritical };
}
