// Encoders for the extensions the CA writes (RFC 5280 §4.2 for certificates,
// §5.2/§5.3 for CRLs; RFC 6960 §4.2.2.2.1 for id-pkix-ocsp-nocheck). Each
// returns a pkijs Extension whose extnValue is the DER of the value.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { oid } from './oids.js';

function ext(extnID: string, critical: boolean, value: asn1js.AsnType): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER() });
}

function uri(url: string): asn1js.Primitive {
  // GeneralName uniformResourceIdentifier [6] IA5String
  return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 6 }, valueHex: Buffer.from(url, 'ascii') });
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
export function keyUsageBitString(names: readonly KeyUsageName[]): asn1js.BitString {
  let mask = 0;
  for (const n of names) mask |= 0x80 >> keyUsageBits[n];
  // 7 named bits fit in one octet.
  let unused = 0;
  while (unused < 8 && mask !== 0 && (mask & (1 << unused)) === 0) unused++;
  return new asn1js.BitString({ valueHex: new Uint8Array([mask]), unusedBits: mask === 0 ? 0 : unused });
}

export function keyUsage(names: readonly KeyUsageName[]): pkijs.Extension {
  return ext(oid.keyUsage, true, keyUsageBitString(names));
}

export function basicConstraints(ca: boolean, pathLen?: number): pkijs.Extension {
  const value: asn1js.AsnType[] = [];
  if (ca) value.push(new asn1js.Boolean({ value: true }));
  if (ca && pathLen !== undefined) value.push(new asn1js.Integer({ value: pathLen }));
  return ext(oid.basicConstraints, true, new asn1js.Sequence({ value }));
}

export function extKeyUsage(purposes: readonly string[]): pkijs.Extension {
  return ext(oid.extKeyUsage, false, new asn1js.Sequence({ value: purposes.map((p) => new asn1js.ObjectIdentifier({ value: p })) }));
}

export function certificatePolicies(policies: readonly string[]): pkijs.Extension {
  return ext(
    oid.certificatePolicies,
    false,
    new asn1js.Sequence({
      value: policies.map((p) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: p })] })),
    }),
  );
}

export function subjectKeyIdentifier(id: Uint8Array): pkijs.Extension {
  return ext(oid.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: id }));
}

export function authorityKeyIdentifier(id: Uint8Array): pkijs.Extension {
  // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING, ... }
  return ext(
    oid.authorityKeyIdentifier,
    false,
    new asn1js.Sequence({ value: [new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: id })] }),
  );
}

export function authorityInfoAccess(ocspUrl: string, caIssuersUrl: string): pkijs.Extension {
  const desc = (method: string, url: string): asn1js.Sequence =>
    new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: method }), uri(url)] });
  return ext(
    oid.authorityInfoAccess,
    false,
    new asn1js.Sequence({ value: [desc(oid.adOcsp, ocspUrl), desc(oid.adCaIssuers, caIssuersUrl)] }),
  );
}

export function crlDistributionPoints(url: string): pkijs.Extension {
  // DistributionPoint { distributionPoint [0] { fullName [0] GeneralNames } }
  const fullName = new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [uri(url)] });
  const dpName = new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [fullName] });
  return ext(oid.cRLDistributionPoints, false, new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [dpName] })] }));
}

export function ocspNoCheck(): pkijs.Extension {
  return ext(oid.ocspNoCheck, false, new asn1js.Null());
}

export function crlNumber(n: bigint): pkijs.Extension {
  return ext(oid.crlNumber, false, asn1js.Integer.fromBigInt(n));
}

export function crlReason(code: number): pkijs.Extension {
  return ext(oid.crlReason, false, new asn1js.Enumerated({ value: code }));
}
