// The signature time-stamp of a CAdES-B-T signature (ETSI EN 319 122-1
// §5.3; RFC 3161 §2.4.2 and Appendix A): a TimeStampToken whose TSTInfo
// imprint is the hash of the SignerInfo's signature value, signed by a TSA
// whose certificate chains to the national root and carries exactly one
// extended key usage, id-kp-timeStamping, critical (§2.3), with
// content-type id-ct-TSTInfo, message-digest over the TSTInfo and
// signing-certificate-v2 naming that certificate. What it proves: the
// signature existed at genTime.
import { createHash, verify, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { issuerAndSerialParts, oid } from '../../../pki/index.js';
import { signError } from '../codes.js';
import { checkChain } from './check-chain.js';
import { readCertificateProfile } from './read-certificate-profile.js';
import { readEssCertIdV2 } from './read-ess-cert-id.js';

const hashes: Readonly<Record<string, 'sha256' | 'sha384' | 'sha512'>> = { [oid.sha256]: 'sha256', [oid.sha384]: 'sha384', [oid.sha512]: 'sha512' };
const signatureHashes: Readonly<Record<string, 'sha256' | 'sha384'>> = {
  [oid.ecdsaWithSha256]: 'sha256',
  [oid.ecdsaWithSha384]: 'sha384',
  [oid.sha256WithRsa]: 'sha256',
};

export interface VerifiedTimestamp {
  readonly genTime: Date;
  readonly tsa: X509Certificate;
}

const bytes = (b: ArrayBuffer | Uint8Array): Buffer => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b));

export function checkTimestamp(token: Buffer, signatureValue: Buffer, root: X509Certificate, extra: readonly X509Certificate[]): VerifiedTimestamp {
  const invalid = (why: string, cause?: unknown) => signError('signature_timestamp_invalid', `The signature time-stamp does not hold: ${why}.`, { cause });
  let sd: pkijs.SignedData;
  let tst: pkijs.TSTInfo;
  let tstDer: Buffer;
  try {
    const ci = pkijs.ContentInfo.fromBER(token);
    if (ci.contentType !== oid.signedData) throw new Error('not SignedData');
    sd = new pkijs.SignedData({ schema: ci.content });
    if (sd.encapContentInfo.eContentType !== oid.tstInfo || !sd.encapContentInfo.eContent) throw new Error('the content is not TSTInfo');
    tstDer = bytes(sd.encapContentInfo.eContent.getValue());
    tst = pkijs.TSTInfo.fromBER(tstDer);
  } catch (err) {
    throw invalid('it is not a timestamp token', err);
  }
  // The imprint: the hash of this signature's value.
  const alg = hashes[tst.messageImprint.hashAlgorithm.algorithmId];
  if (!alg) throw invalid('its imprint uses an unknown hash');
  if (!bytes(tst.messageImprint.hashedMessage.valueBlock.valueHexView).equals(createHash(alg).update(signatureValue).digest())) {
    throw invalid('it dates another signature (imprint mismatch)');
  }
  if (sd.signerInfos.length !== 1) throw invalid('it must have one signer');
  const si = sd.signerInfos[0]!;
  const sid = si.sid;
  if (!(sid instanceof pkijs.IssuerAndSerialNumber)) throw invalid('its signer is not named by issuer and serial');
  const carried = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const carriedDer = carried.map((c) => bytes(c.toSchema().toBER()));
  const pool = [...carriedDer.map((d) => new X509Certificate(d)), ...extra];
  let tsaPkijs = carried.find((p) => p.issuer.isEqual(sid.issuer) && p.serialNumber.isEqual(sid.serialNumber));
  let tsaDer = tsaPkijs === undefined ? undefined : carriedDer[carried.indexOf(tsaPkijs)];
  if (tsaDer === undefined) {
    // Not carried: one of the caller's certificates (matched by their raw issuer and serial).
    const want = { issuer: bytes(sid.issuer.toSchema().toBER()), serial: bytes(sid.serialNumber.toBER()) };
    const found = extra.find((x) => {
      const p = issuerAndSerialParts(x.raw);
      return p.issuer.equals(want.issuer) && p.serial.equals(want.serial);
    });
    if (found) {
      tsaDer = found.raw;
      tsaPkijs = pkijs.Certificate.fromBER(found.raw);
    }
  }
  if (!tsaDer || !tsaPkijs) throw invalid('the TSA certificate is missing');
  const tsa = new X509Certificate(tsaDer);
  // Signed attributes: content type, message digest over TSTInfo, the TSA's certificate.
  const attrs = si.signedAttrs?.attributes ?? [];
  const one = (type: string) => {
    const a = attrs.filter((x) => x.type === type);
    return a.length === 1 && a[0]!.values.length === 1 ? (a[0]!.values[0] as asn1js.AsnType) : undefined;
  };
  const ct = one(oid.contentType);
  if (!(ct instanceof asn1js.ObjectIdentifier) || ct.valueBlock.toString() !== oid.tstInfo) throw invalid('its content-type attribute is not id-ct-TSTInfo');
  const digestAlg = hashes[si.digestAlgorithm.algorithmId];
  const md = one(oid.messageDigest);
  if (!digestAlg || !(md instanceof asn1js.OctetString) || !bytes(md.valueBlock.valueHexView).equals(createHash(digestAlg).update(tstDer).digest())) {
    throw invalid('its message-digest does not match its TSTInfo');
  }
  const ess = one(oid.signingCertificateV2);
  let essOk = false;
  try {
    if (ess !== undefined) {
      const id = readEssCertIdV2(ess);
      const h = hashes[id.hashAlgorithm];
      essOk = h !== undefined && id.certHash.equals(createHash(h).update(tsaDer).digest());
    }
  } catch {
    essOk = false;
  }
  if (!essOk) throw invalid('its signing-certificate-v2 does not name the TSA certificate');
  const sigHash = signatureHashes[si.signatureAlgorithm.algorithmId] ?? (si.signatureAlgorithm.algorithmId === '1.2.840.113549.1.1.1' ? digestAlg : undefined);
  if (!sigHash) throw invalid('its signature algorithm is not supported');
  const signed = bytes(si.signedAttrs!.encodedValue);
  signed[0] = 0x31;
  let good = false;
  try {
    good = verify(sigHash, signed, tsa.publicKey, bytes(si.signature.valueBlock.valueHexView));
  } catch {
    good = false;
  }
  if (!good) throw invalid('its signature does not verify');
  // The TSA certificate: timeStamping only, critical; chained to the root at genTime.
  const profile = readCertificateProfile(tsaPkijs);
  if (profile.extKeyUsage?.length !== 1 || profile.extKeyUsage[0] !== oid.kpTimeStamping || !profile.extKeyUsageCritical) {
    throw invalid('the TSA certificate is not a time-stamping certificate (EKU id-kp-timeStamping, critical)');
  }
  const genTime = tst.genTime;
  const chain = checkChain(tsa, pool, root, genTime);
  if (!chain.ok) throw invalid(`the TSA certificate ${chain.problem === 'expired' ? 'was not valid at the time it states' : 'does not chain to the national root'}`);
  return { genTime, tsa };
}
