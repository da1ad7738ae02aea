// A detached CAdES signature (ETSI EN 319 122-1; RFC 5652 §5): ContentInfo
// { id-signedData, SignedData } without the content (the document travels
// apart), the signer and issuing CA certificates, one SignerInfo whose
// signature value came from the card, and — for CAdES-B-T — the signature
// time-stamp as an unsigned attribute (id-aa-signatureTimeStampToken, RFC
// 3161 Appendix A: a TimeStampToken over the SignerInfo's signature value).
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { oid } from '../../../pki/index.js';
import { signError } from '../codes.js';
import { issuerAndSerialOf, type SignedAttributes } from './signed-attributes.js';

export interface AssembleInput {
  readonly signedAttributes: SignedAttributes;
  /** DER ECDSA-Sig-Value over signedAttributes.digest (from the card). */
  readonly signature: Uint8Array;
  readonly signerCertificate: Uint8Array;
  /** Further certificates to carry (the issuing CA); the root is never carried. */
  readonly chain: readonly Uint8Array[];
  /** RFC 3161 TimeStampToken (ContentInfo DER) over SHA-256 of `signature`. */
  readonly timestampToken?: Uint8Array | undefined;
}

/** A certificate as a plain asn1js value (its DER re-encodes unchanged): far cheaper than a pkijs Certificate. */
const certValue = (der: Uint8Array, what: string): asn1js.AsnType => {
  const r = asn1js.fromBER(der);
  if (r.offset === -1 || r.offset !== der.length) throw signError('signature_container_malformed', `The ${what} certificate cannot be parsed.`);
  return r.result;
};

export function assembleSignedData(input: AssembleInput): Buffer {
  const signer = issuerAndSerialOf(input.signerCertificate);
  const sha256 = new pkijs.AlgorithmIdentifier({ algorithmId: oid.sha256 });
  const unsignedAttrs =
    input.timestampToken === undefined
      ? undefined
      : new pkijs.SignedAndUnsignedAttributes({
          type: 1,
          attributes: [new pkijs.Attribute({ type: oid.signatureTimeStampToken, values: [asn1js.fromBER(input.timestampToken).result] })],
        });
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: new pkijs.RelativeDistinguishedNames({ schema: signer.issuer }), serialNumber: signer.serial }),
    digestAlgorithm: sha256,
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: [...input.signedAttributes.attributes] }),
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: oid.ecdsaWithSha256 }),
    signature: new asn1js.OctetString({ valueHex: input.signature }),
    ...(unsignedAttrs === undefined ? {} : { unsignedAttrs }),
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [sha256],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: oid.data }),
    signerInfos: [signerInfo],
  });
  const schema = signedData.toSchema(true);
  // certificates [0] IMPLICIT CertificateSet, after version, digestAlgorithms and encapContentInfo (RFC 5652 §5.1).
  const certificates = new asn1js.Constructed({
    idBlock: { tagClass: 3, tagNumber: 0 },
    value: [certValue(input.signerCertificate, 'signer'), ...input.chain.map((c) => certValue(c, 'chain'))],
  });
  schema.valueBlock.value.splice(3, 0, certificates);
  const contentInfo = new pkijs.ContentInfo({ contentType: oid.signedData, content: schema });
  return Buffer.from(contentInfo.toSchema().toBER());
}
