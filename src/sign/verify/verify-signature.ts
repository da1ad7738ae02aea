// Validates a CAdES signature made with an ID card (detached, or the CMS of
// a PAdES signature), in this order — size and structure, trust, purpose,
// the signature value, the document, the time-stamp, validity at the time
// that counts, status at that time:
//   1. read-cms: size bound, CAdES-B structure (./read-cms.ts)
//   2. signing-certificate-v2 names the signer's certificate (RFC 5035)
//   3. chain: signer ← issuing CA ← the national root given by the caller
//   4. purpose: an ID card's signature certificate — keyUsage nonRepudiation
//      and digitalSignature, no extended key usage (an authentication
//      certificate, clientAuth, is refused), the policy "key on card, PIN
//      always", not a CA, no unknown critical extension
//   5. the signature value over the signed attributes, with the signer's key
//   6. message-digest = SHA-256 of the document (or of the PDF's ranges)
//   7. signature time-stamp (B-T): verified, and its genTime is the time
//      the signature is known to have existed; without one (B-B) the time
//      that counts is now (a claimed signing-time proves nothing)
//   8. every certificate of the path valid at that time
//   9. status of the signer certificate (registry or OCSP, given by the
//      caller as a port): revoked or suspended at or before that time →
//      refused; after it → valid, reported as revoked later; unknown →
//      refused; no answer → status_unavailable (503). Without a port the
//      status is reported as not checked.
import { createHash, verify, X509Certificate } from 'node:crypto';
import { oid, POLICY_KEY_ON_CARD_PIN_ALWAYS, serialHex, type CertStatus } from '../../../pki/index.js';
import { AppError } from '../../errors/app-error.js';
import { signError } from '../codes.js';
import { checkChain } from './check-chain.js';
import { checkTimestamp } from './check-timestamp.js';
import { readCertificateProfile } from './read-certificate-profile.js';
import { readCms } from './read-cms.js';

/** Status of a certificate as its issuer's records say now (pki CertStatus: good / hold since / revoked at / unknown). */
export type SignerStatusLookup = (cert: {
  readonly serialHex: string;
  readonly der: Buffer;
  /** Its issuer's certificate (the issuing CA), from the verified path. */
  readonly issuerDer?: Buffer | undefined;
}) => Promise<CertStatus>;

export interface SignatureTrust {
  /** The national root (PEM or DER): the only trust anchor. */
  readonly root: string | Uint8Array | X509Certificate;
  /** Intermediates to use besides those the container carries (the issuing CA). */
  readonly intermediates?: readonly (string | Uint8Array | X509Certificate)[];
  readonly status?: SignerStatusLookup;
  readonly now?: () => Date;
}

export interface SignatureValidation {
  readonly valid: true;
  readonly level: 'B-B' | 'B-T';
  readonly signer: {
    readonly subject: string;
    readonly serialNumber: string | undefined;
    readonly certSerialHex: string;
    readonly certSha256: string;
  };
  /** The time the validation is made for: the time-stamp's genTime (B-T), else the validation time. */
  readonly validatedAt: Date;
  readonly timestamp?: { readonly genTime: Date; readonly tsa: string };
  readonly claimedSigningTime?: Date;
  readonly title?: string;
  readonly contentIdentifier?: Buffer;
  /** The signer certificate's status as looked up now ('not-checked' without a status port). */
  readonly status: CertStatus | { readonly status: 'not-checked' };
  /** True when the certificate was revoked or suspended, but only after `validatedAt`. */
  readonly revokedAfterSigning: boolean;
}

const asX509 = (c: string | Uint8Array | X509Certificate): X509Certificate => (c instanceof X509Certificate ? c : new X509Certificate(typeof c === 'string' ? c : Buffer.from(c)));
const hashes: Readonly<Record<string, 'sha256' | 'sha384' | 'sha512'>> = { [oid.sha256]: 'sha256', [oid.sha384]: 'sha384', [oid.sha512]: 'sha512' };

function field(subject: string, key: string): string | undefined {
  const line = subject.split('\n').find((l) => l.startsWith(`${key}=`));
  return line?.slice(key.length + 1);
}

export async function verifySignature(unverifiedCms: Uint8Array, content: { readonly data: Uint8Array } | { readonly digest: Uint8Array }, trust: SignatureTrust): Promise<SignatureValidation> {
  const now = (trust.now ?? (() => new Date()))();
  // 1. size and structure
  const cms = readCms(unverifiedCms);
  const signer = cms.signer;
  // 2. the certificate the signer meant
  const ess = cms.signingCertificateV2;
  const essHash = hashes[ess.hashAlgorithm];
  if (!essHash || !ess.certHash.equals(createHash(essHash).update(signer.der).digest()) || (ess.serial !== undefined && !ess.serial.equals(Buffer.from(signer.pkijs.serialNumber.valueBlock.valueHexView)))) {
    throw signError('signature_invalid', 'The signing-certificate-v2 attribute does not name the certificate that signed.');
  }
  // 3. chain to the national root (at the time that counts, checked in 8; here: trust)
  const root = asX509(trust.root);
  const candidates = [...cms.certificates.map((d) => new X509Certificate(d)), ...(trust.intermediates ?? []).map(asX509)];
  const chainNow = checkChain(signer.x509, candidates, root, now);
  if (!chainNow.ok && chainNow.problem === 'untrusted') throw signError('signature_certificate_untrusted', `The signer certificate does not chain to the national root: ${chainNow.detail}.`);
  // 4. purpose: the card's signature key
  const profile = readCertificateProfile(signer.pkijs);
  const purpose = (why: string) => signError('signature_certificate_wrong_purpose', `The signer certificate is not an ID card signature certificate: ${why}.`);
  if (profile.unknownCritical.length > 0) throw purpose(`unknown critical extension ${profile.unknownCritical[0]}`);
  if (profile.isCa) throw purpose('it is a CA certificate');
  if (!profile.keyUsage?.has('nonRepudiation') || !profile.keyUsage.has('digitalSignature')) throw purpose('key usage lacks nonRepudiation');
  if (profile.extKeyUsage !== undefined) throw purpose(`it has an extended key usage (${profile.extKeyUsage.join(', ')}): an authentication key never signs documents`);
  if (!profile.policies.includes(POLICY_KEY_ON_CARD_PIN_ALWAYS)) throw purpose('the policy "key on card, PIN always" is missing');
  if (signer.x509.publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw purpose('the key is not ECDSA P-256');
  // 5. the signature value
  let good = false;
  try {
    good = verify('sha256', cms.signedAttributesDer, { key: signer.x509.publicKey, dsaEncoding: 'der' }, cms.signature);
  } catch {
    good = false;
  }
  if (!good) throw signError('signature_invalid', 'The signature value does not verify with the signer\'s key.');
  // 6. the document
  const digest = 'data' in content ? createHash('sha256').update(content.data).digest() : Buffer.from(content.digest);
  if (digest.length !== 32) throw signError('sign_digest_invalid', 'The document digest is not 32 bytes of SHA-256.');
  if (!digest.equals(cms.messageDigest)) throw signError('signature_document_mismatch', 'The document does not match the signature: it was changed after signing, or it is another document.');
  // 7. the time-stamp
  const ts = cms.timestampToken === undefined ? undefined : checkTimestamp(cms.timestampToken, cms.signature, root, candidates);
  const at = ts?.genTime ?? now;
  // 8. validity at that time
  const chainAt = checkChain(signer.x509, candidates, root, at);
  if (!chainAt.ok) {
    if (chainAt.problem === 'expired') throw signError('signature_certificate_expired', `A certificate of the signer's path was not valid at ${at.toISOString()}: ${chainAt.detail}.`);
    throw signError('signature_certificate_untrusted', `The signer certificate does not chain to the national root: ${chainAt.detail}.`);
  }
  // 9. status at that time
  const certSerialHex = serialHex(signer.x509.serialNumber);
  let status: SignatureValidation['status'] = { status: 'not-checked' };
  let revokedAfterSigning = false;
  if (trust.status) {
    let s: CertStatus;
    try {
      s = await trust.status({ serialHex: certSerialHex, der: signer.der, issuerDer: chainAt.path[1]?.raw });
    } catch (err) {
      throw new AppError('status_unavailable', 'The status of the signer certificate cannot be determined now.', 503, { cause: err });
    }
    status = s;
    if (s.status === 'unknown') throw signError('signature_certificate_status_unknown', 'The signer certificate is not known to its issuer.');
    const since = s.status === 'revoked' ? s.at : s.status === 'hold' ? s.since : undefined;
    if (since !== undefined) {
      if (since.getTime() <= at.getTime()) {
        throw signError('signature_certificate_revoked', `The signer certificate was ${s.status === 'hold' ? 'suspended' : 'revoked'} on ${since.toISOString()}, not after the signing time ${at.toISOString()}${ts ? '' : ' (no time-stamp: the signing time is the validation time)'}.`);
      }
      revokedAfterSigning = true;
    }
  }
  return {
    valid: true,
    level: ts ? 'B-T' : 'B-B',
    signer: {
      subject: signer.x509.subject.replace(/\n/g, ', '),
      serialNumber: field(signer.x509.subject, 'serialNumber'),
      certSerialHex,
      certSha256: createHash('sha256').update(signer.der).digest('hex'),
    },
    validatedAt: at,
    ...(ts ? { timestamp: { genTime: ts.genTime, tsa: ts.tsa.subject.replace(/\n/g, ', ') } } : {}),
    ...(cms.claimedSigningTime ? { claimedSigningTime: cms.claimedSigningTime } : {}),
    ...(cms.title !== undefined ? { title: cms.title } : {}),
    ...(cms.contentIdentifier ? { contentIdentifier: cms.contentIdentifier } : {}),
    status,
    revokedAfterSigning,
  };
}
