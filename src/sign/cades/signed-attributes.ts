// The signed attributes of a CAdES-B signature (ETSI EN 319 122-1 §5.2;
// RFC 5652 §5.3, §11), built with pkijs/asn1js:
//   content-type        id-data (RFC 5652 §11.1)
//   message-digest      SHA-256 of the signed content (§11.2): the document,
//                       or for a PDF the bytes its ByteRange covers
//   signing-certificate-v2  SHA-256 of the signer's certificate with its
//                       issuer and serial (RFC 5035 §3): the certificate
//                       cannot be swapped for another with the same key
//   signing-time        the claimed time (§11.3); left out of PAdES
//                       signatures, where the PDF's /M entry carries it
//                       (ETSI EN 319 142-1 §5.4.3)
//   content-hints       the document's title as the signer was shown it
//                       (RFC 2634 §2.9), detached signatures only
//   content-identifier  bytes that bind the signature to the request it
//                       answers (RFC 2634 §2.7)
// The card signs SHA-256 of their DER SET OF encoding (§5.4). DER sorts a
// SET OF by encoding (X.690 §11.6), and verifiers such as OpenSSL re-encode
// the set before checking, so the order here is the sorted one.
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { issuerAndSerialParts, oid } from '../../../pki/index.js';
import { signError } from '../codes.js';

export const SHA256_BYTES = 32;

export interface SignedAttributesInput {
  /** SHA-256 of the signed content. */
  readonly documentDigest: Uint8Array;
  /** The signer's certificate (DER). */
  readonly signerCertificate: Uint8Array;
  readonly signingTime?: Date | undefined;
  readonly title?: string | undefined;
  readonly contentIdentifier?: Uint8Array | undefined;
}

export interface SignedAttributes {
  /** pkijs attributes, in DER order, for the SignerInfo. */
  readonly attributes: readonly pkijs.Attribute[];
  /** DER SET OF the attributes: what is hashed and signed. */
  readonly der: Buffer;
  /** SHA-256 of `der`: the 32 bytes the card signs as an ECDSA hash value. */
  readonly digest: Buffer;
}

const toBuffer = (b: ArrayBuffer): Buffer => Buffer.from(new Uint8Array(b));

/**
 * A certificate's issuer Name and serialNumber INTEGER as asn1js values, from
 * their exact DER (a pkijs Certificate parse costs several milliseconds and
 * is not needed for two fields).
 */
export function issuerAndSerialOf(certificateDer: Uint8Array): { readonly issuer: asn1js.AsnType; readonly serial: asn1js.Integer } {
  let parts;
  try {
    parts = issuerAndSerialParts(certificateDer);
  } catch (err) {
    throw signError('signature_container_malformed', 'The signer certificate cannot be parsed.', { cause: err });
  }
  return { issuer: asn1js.fromBER(parts.issuer).result, serial: asn1js.fromBER(parts.serial).result as asn1js.Integer };
}

/** ESSCertIDv2 { certHash, issuerSerial { issuer GeneralNames { directoryName }, serialNumber } } (hashAlgorithm: the SHA-256 default, omitted). */
export function signingCertificateV2Value(certificateDer: Uint8Array): asn1js.Sequence {
  const { issuer, serial } = issuerAndSerialOf(certificateDer);
  const hash = createHash('sha256').update(certificateDer).digest();
  const directoryName = new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [issuer] });
  return new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [
          new asn1js.Sequence({
            value: [new asn1js.OctetString({ valueHex: hash }), new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [directoryName] }), serial] })],
          }),
        ],
      }),
    ],
  });
}

/** RFC 5652 §11.3: UTCTime through 2049, GeneralizedTime from 2050; whole seconds. */
function timeValue(t: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  const whole = new Date(Math.floor(t.getTime() / 1000) * 1000);
  return whole.getUTCFullYear() < 2050 ? new asn1js.UTCTime({ valueDate: whole }) : new asn1js.GeneralizedTime({ valueDate: whole });
}

export function buildSignedAttributes(input: SignedAttributesInput): SignedAttributes {
  if (input.documentDigest.length !== SHA256_BYTES) {
    throw signError('sign_digest_invalid', `The document digest must be ${SHA256_BYTES} bytes of SHA-256, not ${input.documentDigest.length}.`);
  }
  const attrs = [
    new pkijs.Attribute({ type: oid.contentType, values: [new asn1js.ObjectIdentifier({ value: oid.data })] }),
    new pkijs.Attribute({ type: oid.messageDigest, values: [new asn1js.OctetString({ valueHex: input.documentDigest })] }),
    new pkijs.Attribute({ type: oid.signingCertificateV2, values: [signingCertificateV2Value(input.signerCertificate)] }),
  ];
  if (input.signingTime !== undefined) attrs.push(new pkijs.Attribute({ type: oid.signingTime, values: [timeValue(input.signingTime)] }));
  if (input.title !== undefined) {
    // ContentHints ::= SEQUENCE { contentDescription UTF8String OPTIONAL, contentType ContentType }
    const hints = new asn1js.Sequence({ value: [new asn1js.Utf8String({ value: input.title }), new asn1js.ObjectIdentifier({ value: oid.data })] });
    attrs.push(new pkijs.Attribute({ type: oid.contentHints, values: [hints] }));
  }
  if (input.contentIdentifier !== undefined) {
    attrs.push(new pkijs.Attribute({ type: oid.contentIdentifier, values: [new asn1js.OctetString({ valueHex: input.contentIdentifier })] }));
  }
  const encoded = attrs.map((a) => ({ a, der: toBuffer(a.toSchema().toBER()) })).sort((x, y) => Buffer.compare(x.der, y.der));
  const body = Buffer.concat(encoded.map((e) => e.der));
  const der = toBuffer(new asn1js.Set({ value: encoded.map((e) => e.a.toSchema()) }).toBER());
  if (!der.subarray(der.length - body.length).equals(body)) throw new Error('signed attributes: encoding is not stable');
  return { attributes: encoded.map((e) => e.a), der, digest: createHash('sha256').update(der).digest() };
}
