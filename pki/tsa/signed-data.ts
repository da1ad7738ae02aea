// The CMS pieces a timestamp token is made of (RFC 5652 §5; RFC 5035 §3 for
// signing-certificate-v2, which RFC 5816 §2.2.1 lets a TSA use instead of the
// SHA-1 signing-certificate). Encoded with the library's DER writer: signed
// attributes as a DER SET OF (sorted, X.690 §11.6), because their DER is what
// is hashed and signed (RFC 5652 §5.4).
import { createHash } from 'node:crypto';
import { children, expect, isContext, readOne, TAG } from '../lib/der-reader.js';
import { explicit, objectIdentifier, octetString, seq, set, smallInteger, tlv } from '../lib/der.js';
import { oid } from '../lib/oids.js';

/** Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue } */
export function attribute(type: string, ...values: readonly Buffer[]): Buffer {
  return seq(objectIdentifier(type), set(...sortedDer(values)));
}

/** DER SET OF order: ascending by encoding (X.690 §11.6). */
export function sortedDer(items: readonly Buffer[]): Buffer[] {
  return [...items].sort(Buffer.compare);
}

/** The issuer Name and serialNumber INTEGER of a certificate, as their exact DER. */
export function issuerAndSerialParts(certDer: Uint8Array): { issuer: Buffer; serial: Buffer } {
  const tbs = children(expect(children(readOne(certDer))[0], TAG.sequence, 'TBSCertificate'));
  const i = isContext(tbs[0], 0) ? 1 : 0;
  return {
    serial: Buffer.from(expect(tbs[i], TAG.integer, 'serialNumber').der),
    issuer: Buffer.from(expect(tbs[i + 2], TAG.sequence, 'issuer').der),
  };
}

/** IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber CertificateSerialNumber } (RFC 5652 §10.2.4) */
export function issuerAndSerialNumber(certDer: Uint8Array): Buffer {
  const { issuer, serial } = issuerAndSerialParts(certDer);
  return seq(issuer, serial);
}

/**
 * SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 } with one
 * ESSCertIDv2 { certHash (SHA-256, the DEFAULT algorithm, so omitted),
 * issuerSerial { issuer GeneralNames (directoryName), serialNumber } }.
 */
export function signingCertificateV2(certDer: Uint8Array): Buffer {
  const { issuer, serial } = issuerAndSerialParts(certDer);
  const hash = createHash('sha256').update(certDer).digest();
  return seq(seq(seq(octetString(hash), seq(seq(explicit(4, issuer)), serial))));
}

export interface SignerInfoParts {
  readonly signerCertDer: Uint8Array;
  /** Attribute DERs (unsorted). */
  readonly signedAttributes: readonly Buffer[];
  /** DER ECDSA-Sig-Value over the DER SET OF the signed attributes. */
  readonly signature: Uint8Array;
  readonly digestAlgorithm: string;
  readonly signatureAlgorithm: string;
}

/** The DER SET OF signed attributes: the bytes that are hashed and signed. */
export function signedAttributesDer(attributes: readonly Buffer[]): Buffer {
  return set(...sortedDer(attributes));
}

/** SignerInfo version 1 (sid = issuerAndSerialNumber), signedAttrs [0] IMPLICIT. */
export function signerInfo(p: SignerInfoParts): Buffer {
  return seq(
    smallInteger(1),
    issuerAndSerialNumber(p.signerCertDer),
    seq(objectIdentifier(p.digestAlgorithm)),
    tlv(0xa0, ...sortedDer(p.signedAttributes)),
    seq(objectIdentifier(p.signatureAlgorithm)),
    octetString(p.signature),
  );
}

/**
 * ContentInfo { id-signedData, [0] SignedData } with encapsulated content
 * (RFC 5652 §5.1; version 3 because the content type is not id-data).
 */
export function signedDataContentInfo(p: {
  readonly eContentType: string;
  readonly eContent: Buffer;
  readonly digestAlgorithm: string;
  readonly certificates: readonly Uint8Array[];
  readonly signerInfo: Buffer;
}): Buffer {
  const signedData = seq(
    smallInteger(3),
    set(seq(objectIdentifier(p.digestAlgorithm))),
    seq(objectIdentifier(p.eContentType), explicit(0, octetString(p.eContent))),
    ...(p.certificates.length === 0 ? [] : [tlv(0xa0, ...sortedDer(p.certificates.map((c) => Buffer.from(c))))]),
    set(p.signerInfo),
  );
  return seq(objectIdentifier(oid.signedData), explicit(0, signedData));
}
