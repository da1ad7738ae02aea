// Parses an unverified CAdES container (RFC 5652 §5) for validation: size
// bound, then structure — ContentInfo of id-signedData, exactly one
// SignerInfo identified by issuer and serial, SHA-256 and ECDSA-with-SHA-256,
// signed attributes with content-type id-data, one message-digest and one
// signing-certificate-v2 (ETSI EN 319 122-1 §5.2: CAdES-B), the signer's
// certificate among those carried. Nothing is trusted yet: the checks of
// ./verify-signature.ts decide.
import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { oid } from '../../../pki/index.js';
import { isAppError } from '../../errors/app-error.js';
import { signError } from '../codes.js';
import { readEssCertIdV2, type EssCertId } from './read-ess-cert-id.js';

export const MAX_CMS_BYTES = 64 * 1024;

export interface UnverifiedCms {
  readonly signedData: pkijs.SignedData;
  readonly signerInfo: pkijs.SignerInfo;
  /** The DER SET OF signed attributes, as signed (tag 0x31). */
  readonly signedAttributesDer: Buffer;
  readonly messageDigest: Buffer;
  readonly signingCertificateV2: EssCertId;
  readonly claimedSigningTime: Date | undefined;
  readonly title: string | undefined;
  readonly contentIdentifier: Buffer | undefined;
  /** The signature value (DER ECDSA-Sig-Value). */
  readonly signature: Buffer;
  /** Encapsulated content, when the signature is not detached. */
  readonly content: Buffer | undefined;
  readonly signer: { readonly der: Buffer; readonly x509: X509Certificate; readonly pkijs: pkijs.Certificate };
  /** Every certificate carried (DER), the signer's included. */
  readonly certificates: readonly Buffer[];
  /** The id-aa-signatureTimeStampToken value (ContentInfo DER), when present. */
  readonly timestampToken: Buffer | undefined;
}

const malformed = (why: string, cause?: unknown) => signError('signature_container_malformed', `The signature container is not valid CAdES: ${why}.`, { cause });

function onlyValue(attrs: readonly pkijs.Attribute[], type: string, what: string, required: true): asn1js.AsnType;
function onlyValue(attrs: readonly pkijs.Attribute[], type: string, what: string, required: false): asn1js.AsnType | undefined;
function onlyValue(attrs: readonly pkijs.Attribute[], type: string, what: string, required: boolean): asn1js.AsnType | undefined {
  const found = attrs.filter((a) => a.type === type);
  if (found.length === 0) {
    if (required) throw malformed(`it has no ${what} attribute`);
    return undefined;
  }
  if (found.length > 1 || found[0]!.values.length !== 1) throw malformed(`the ${what} attribute must appear once with one value`);
  return found[0]!.values[0] as asn1js.AsnType;
}

const bytes = (b: ArrayBuffer | Uint8Array): Buffer => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b));

export function readCms(unverified: Uint8Array): UnverifiedCms {
  if (unverified.length > MAX_CMS_BYTES) throw signError('signature_container_too_large', `A signature container may have at most ${MAX_CMS_BYTES} bytes.`);
  try {
    return parse(unverified);
  } catch (err) {
    if (isAppError(err)) throw err;
    throw malformed('it cannot be parsed', err);
  }
}

function parse(der: Uint8Array): UnverifiedCms {
  const asn = asn1js.fromBER(der);
  if (asn.offset === -1 || asn.offset !== der.length) throw malformed('it is not one BER value');
  const ci = new pkijs.ContentInfo({ schema: asn.result });
  if (ci.contentType !== oid.signedData) throw malformed('it is not SignedData');
  const sd = new pkijs.SignedData({ schema: ci.content });
  if (sd.encapContentInfo.eContentType !== oid.data) throw malformed('the signed content type is not id-data');
  if (sd.signerInfos.length !== 1) throw malformed('it must hold exactly one signer');
  const si = sd.signerInfos[0]!;
  if (!(si.sid instanceof pkijs.IssuerAndSerialNumber)) throw malformed('the signer must be named by issuer and serial number');
  if (si.digestAlgorithm.algorithmId !== oid.sha256) throw malformed('the digest algorithm is not SHA-256');
  if (si.signatureAlgorithm.algorithmId !== oid.ecdsaWithSha256) throw malformed('the signature algorithm is not ECDSA with SHA-256');
  const signed = si.signedAttrs;
  if (!signed) throw malformed('it has no signed attributes');
  const attrs = signed.attributes;
  const ct = onlyValue(attrs, oid.contentType, 'content-type', true);
  if (!(ct instanceof asn1js.ObjectIdentifier) || ct.valueBlock.toString() !== oid.data) throw malformed('the content-type attribute is not id-data');
  const md = onlyValue(attrs, oid.messageDigest, 'message-digest', true);
  if (!(md instanceof asn1js.OctetString)) throw malformed('the message-digest attribute is not an OCTET STRING');
  const scv2 = onlyValue(attrs, oid.signingCertificateV2, 'signing-certificate-v2', true);
  const st = onlyValue(attrs, oid.signingTime, 'signing-time', false);
  let claimedSigningTime: Date | undefined;
  if (st !== undefined) {
    if (!(st instanceof asn1js.UTCTime) && !(st instanceof asn1js.GeneralizedTime)) throw malformed('the signing-time attribute is not a time');
    claimedSigningTime = st.toDate();
  }
  const hints = onlyValue(attrs, oid.contentHints, 'content-hints', false);
  let title: string | undefined;
  if (hints !== undefined) {
    const first = hints instanceof asn1js.Sequence ? hints.valueBlock.value[0] : undefined;
    if (first instanceof asn1js.Utf8String) title = first.valueBlock.value;
  }
  const cid = onlyValue(attrs, oid.contentIdentifier, 'content-identifier', false);
  if (cid !== undefined && !(cid instanceof asn1js.OctetString)) throw malformed('the content-identifier attribute is not an OCTET STRING');

  // The signed bytes: the attributes as received, with the SET OF tag (RFC 5652 §5.4).
  const encoded = bytes(signed.encodedValue);
  if (encoded.length === 0) throw malformed('the signed attributes have no encoding');
  const signedAttributesDer = Buffer.from(encoded);
  signedAttributesDer[0] = 0x31;

  const carried = (sd.certificates ?? []).map((c) => {
    if (!(c instanceof pkijs.Certificate)) throw malformed('it carries a certificate that is not X.509');
    return c;
  });
  const certificates = carried.map((c) => bytes(c.toSchema().toBER()));
  const sid = si.sid;
  // The certificates are parsed already (with the SignedData): matched as they are.
  const at = carried.findIndex((p) => p.issuer.isEqual(sid.issuer) && p.serialNumber.isEqual(sid.serialNumber));
  if (at === -1) throw malformed('the signer certificate is not in the container');
  const signerDer = certificates[at]!;
  const signerPkijs = carried[at]!;

  let timestampToken: Buffer | undefined;
  const unsigned = si.unsignedAttrs?.attributes ?? [];
  const ts = unsigned.filter((a) => a.type === oid.signatureTimeStampToken);
  if (ts.length > 1 || (ts.length === 1 && ts[0]!.values.length !== 1)) throw malformed('it must hold at most one signature time-stamp');
  if (ts.length === 1) timestampToken = bytes((ts[0]!.values[0] as asn1js.AsnType).toBER());

  const eContent = sd.encapContentInfo.eContent;
  return {
    signedData: sd,
    signerInfo: si,
    signedAttributesDer,
    messageDigest: bytes(md.valueBlock.valueHexView),
    signingCertificateV2: readEssCertIdV2(scv2),
    claimedSigningTime,
    title,
    contentIdentifier: cid === undefined ? undefined : bytes((cid as asn1js.OctetString).valueBlock.valueHexView),
    signature: bytes(si.signature.valueBlock.valueHexView),
    content: eContent === undefined ? undefined : bytes(eContent.getValue()),
    signer: { der: signerDer, x509: new X509Certificate(signerDer), pkijs: signerPkijs },
    certificates,
    timestampToken,
  };
}
