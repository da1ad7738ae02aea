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
import type { SignedAttributes } from './signed-attributes.js';

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

const parseCert = (der: Uint8Array, what: string): pkijs.Certificate => {
  try {
    return pkijs.Certificate.fromBER(der);
  } catch (err) {
    throw signError('signature_container_malformed', `The ${what} certificate cannot be parsed.`, { cause: err });
  }
};

export function assembleSignedData(input: AssembleInput): Buffer {
  const signer = parseCert(input.signerCertificate, 'signer');
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
    sid: new pkijs.IssuerAndSerialNumber({ issuer: signer.issuer, serialNumber: signer.serialNumber }),
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
    certificates: [signer, ...input.chain.map((c) => parseCert(c, 'chain'))],
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: oid.signedData, content: signedData.toSchema(true) });
  return Buffer.from(contentInfo.toSchema().toBER());
}
