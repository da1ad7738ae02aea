// Verifies a card certificate for the authentication hot path (check 4 of
// flow 2 in docs/architecture.md; RFC 5280 §6.1 for a fixed two-level path
// root → issuing → card).
// Order: size, structure, algorithms, critical extensions, not a CA,
// purpose, policy, trust (issuer name/AKI), signature — all cached per
// SHA-256 of the DER, failures included — then, per call, validity at the
// given time and revocation from the status port, failing closed.
// The issuing CA is checked against the root once, when the verifier is made;
// the root is never parsed again.
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import type { CaCertificate } from '../ca/ca-certificate.js';
import { loadCaCertificate } from '../ca/ca-certificate.js';
import { PkiError, type PkiErrorCode } from '../errors.js';
import type { KeyUsageName } from '../lib/extensions.js';
import { Lru } from '../lib/lru.js';
import { oid, POLICY_KEY_ON_CARD_PIN_ALWAYS } from '../lib/oids.js';
import { serialHex } from '../lib/serial.js';
import { curveOfKey } from '../lib/spki.js';
import type { CertSerialHex, CertStatusLookup } from '../types.js';
import { readCertificateFields } from './read-certificate-fields.js';

export const MAX_CERT_BYTES = 4096;

/** Extensions this verifier understands; any other one marked critical is refused (RFC 5280 §4.2). */
const KNOWN_EXTENSIONS = new Set<string>([
  oid.keyUsage,
  oid.extKeyUsage,
  oid.basicConstraints,
  oid.certificatePolicies,
  oid.subjectKeyIdentifier,
  oid.authorityKeyIdentifier,
  oid.authorityInfoAccess,
  oid.cRLDistributionPoints,
  oid.subjectAltName,
]);

const ALLOWED_SIGNATURES = new Set<string>([oid.ecdsaWithSha256, oid.ecdsaWithSha384]);

export interface CardSubjectFields {
  readonly country: string | undefined;
  readonly commonName: string | undefined;
  readonly surname: string | undefined;
  readonly givenName: string | undefined;
  /** e.g. PNOLU-19900101123 */
  readonly serialNumber: string | undefined;
}

export interface VerifiedCardCertificate {
  readonly sha256: string;
  readonly serialHex: CertSerialHex;
  readonly subject: CardSubjectFields;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Ready for crypto.verify (ECDSA P-256) of the card's signature. */
  readonly publicKey: KeyObject;
}

export interface CardCertificateVerifierOptions {
  /** The issuing CA certificate (PEM, DER or loaded). */
  readonly issuing: string | Uint8Array | CaCertificate;
  readonly root: string | Uint8Array | CaCertificate;
  readonly status: CertStatusLookup;
  /** Default time for verify() when none is given. */
  readonly clock?: { now(): Date };
  /**
   * Required EKU; default id-kp-clientAuth (card authentication). `null`: the
   * certificate must carry no EKU at all (the card-sign profile: its key
   * signs documents, and a key with an EKU never does).
   */
  readonly requiredPurpose?: string | null;
  /** Key usage bits that must be set besides digitalSignature (card-sign: nonRepudiation). */
  readonly requiredKeyUsage?: readonly KeyUsageName[];
  readonly requiredPolicy?: string;
  readonly cacheEntries?: number;
}

export interface CardCertificateVerifier {
  verify(unverifiedDer: Uint8Array, at?: Date): Promise<VerifiedCardCertificate>;
}

type Checked = { readonly ok: VerifiedCardCertificate } | { readonly fail: PkiErrorCode; readonly message: string };

function load(c: string | Uint8Array | CaCertificate, what: string): CaCertificate {
  return typeof c === 'string' || c instanceof Uint8Array ? loadCaCertificate(c, what) : c;
}

function checkStatic(der: Buffer, sha256: string, issuing: X509Certificate, purpose: string | null, keyUsage: readonly KeyUsageName[], policy: string): Checked {
  const fail = (code: PkiErrorCode, message: string): Checked => ({ fail: code, message });
  // Structure (our own DER walk first: it refuses trailing bytes and BER quirks)
  let fields;
  let x509: X509Certificate;
  let leafKey: KeyObject;
  try {
    fields = readCertificateFields(der);
    x509 = new X509Certificate(der);
    leafKey = x509.publicKey; // decoded lazily by node: a broken key throws here
  } catch (err) {
    return fail('cert_malformed', err instanceof PkiError ? err.message : 'the certificate cannot be parsed');
  }
  // Algorithms (RFC 5280 §4.1.1.2: both identifiers must be equal)
  if (fields.outerSignatureAlgorithm !== fields.tbsSignatureAlgorithm) {
    return fail('cert_unsupported_algorithm', 'the two signature algorithm identifiers differ');
  }
  if (!ALLOWED_SIGNATURES.has(fields.outerSignatureAlgorithm)) {
    return fail('cert_unsupported_algorithm', `signature algorithm ${fields.outerSignatureAlgorithm} is not allowed`);
  }
  if (curveOfKey(leafKey) !== 'P-256') return fail('cert_unsupported_algorithm', 'the card key must be EC P-256');
  // Extensions
  const unknown = fields.extensions.find((e) => e.critical && !KNOWN_EXTENSIONS.has(e.oid));
  if (unknown) return fail('cert_unknown_critical_extension', `unknown critical extension ${unknown.oid}`);
  if (fields.basicConstraintsCa || x509.ca || fields.keyUsage?.has('keyCertSign') || fields.keyUsage?.has('cRLSign')) {
    return fail('cert_is_ca', 'a CA certificate cannot be used as a card certificate');
  }
  // Purpose and policy
  if (!fields.keyUsage?.has('digitalSignature')) return fail('cert_wrong_purpose', 'key usage lacks digitalSignature');
  const missingUsage = keyUsage.find((u) => !fields.keyUsage?.has(u));
  if (missingUsage) return fail('cert_wrong_purpose', `key usage lacks ${missingUsage}`);
  if (purpose === null) {
    if (fields.extKeyUsage !== undefined) return fail('cert_wrong_purpose', 'the certificate has an extended key usage');
  } else if (!fields.extKeyUsage?.includes(purpose)) {
    return fail('cert_wrong_purpose', `extended key usage lacks ${purpose}`);
  }
  if (!fields.policies?.includes(policy)) return fail('cert_wrong_policy', `certificate policy ${policy} missing`);
  // Trust: issued by our issuing CA (name + key identifier), then the signature
  if (!x509.checkIssued(issuing)) return fail('cert_untrusted_issuer', 'not issued by the national issuing CA');
  if (!x509.verify(issuing.publicKey)) return fail('cert_signature_invalid', 'the certificate signature does not verify');
  return {
    ok: {
      sha256,
      serialHex: serialHex(x509.serialNumber),
      subject: {
        country: fields.subject.get(oid.countryName),
        commonName: fields.subject.get(oid.commonName),
        surname: fields.subject.get(oid.surname),
        givenName: fields.subject.get(oid.givenName),
        serialNumber: fields.subject.get(oid.serialNumber),
      },
      notBefore: new Date(x509.validFrom),
      notAfter: new Date(x509.validTo),
      publicKey: leafKey,
    },
  };
}

export function createCardCertificateVerifier(options: CardCertificateVerifierOptions): CardCertificateVerifier {
  const root = load(options.root, 'root');
  const issuing = load(options.issuing, 'issuing');
  if (!root.x509.verify(root.x509.publicKey) || !root.x509.ca) throw new PkiError('ca_state_corrupt', 'the root is not a self-signed CA');
  if (!issuing.x509.ca || !issuing.x509.checkIssued(root.x509) || !issuing.x509.verify(root.x509.publicKey)) {
    throw new PkiError('ca_state_corrupt', 'the issuing CA is not a CA signed by the root');
  }
  const issuingFrom = new Date(issuing.x509.validFrom).getTime();
  const issuingTo = new Date(issuing.x509.validTo).getTime();
  const rootTo = new Date(root.x509.validTo).getTime();
  const purpose = options.requiredPurpose === undefined ? oid.kpClientAuth : options.requiredPurpose;
  const keyUsage = options.requiredKeyUsage ?? [];
  const policy = options.requiredPolicy ?? POLICY_KEY_ON_CARD_PIN_ALWAYS;
  // Refusals are remembered apart from accepted certificates, so a stream of
  // junk (free for an attacker) cannot evict the cards that do verify.
  const accepted = new Lru<string, Checked>(options.cacheEntries ?? 10_000);
  const refused = new Lru<string, Checked>(Math.max(1, Math.floor((options.cacheEntries ?? 10_000) / 10)));
  const clock = options.clock ?? { now: () => new Date() };

  return {
    async verify(unverifiedDer, at) {
      if (unverifiedDer.length > MAX_CERT_BYTES) throw new PkiError('cert_too_large', `certificate larger than ${MAX_CERT_BYTES} bytes`);
      if (unverifiedDer.length === 0) throw new PkiError('cert_malformed', 'empty certificate');
      const der = Buffer.from(unverifiedDer.buffer, unverifiedDer.byteOffset, unverifiedDer.byteLength);
      const sha256 = createHash('sha256').update(der).digest('hex');
      let checked = accepted.get(sha256) ?? refused.get(sha256);
      if (!checked) {
        try {
          checked = checkStatic(der, sha256, issuing.x509, purpose, keyUsage, policy);
        } catch (err) {
          // Anything the checks did not foresee is a refusal, never a crash.
          checked = { fail: 'cert_malformed', message: err instanceof Error ? err.message : 'the certificate cannot be checked' };
        }
        ('ok' in checked ? accepted : refused).set(sha256, checked);
      }
      if ('fail' in checked) throw new PkiError(checked.fail, checked.message);
      const cert = checked.ok;
      const t = (at ?? clock.now()).getTime();
      if (t < cert.notBefore.getTime()) throw new PkiError('cert_not_yet_valid', 'the certificate is not valid yet');
      if (t > cert.notAfter.getTime()) throw new PkiError('cert_expired', 'the certificate has expired');
      if (t < issuingFrom || t > issuingTo || t > rootTo) throw new PkiError('cert_expired', 'the issuing CA is not valid at this time');
      let status;
      try {
        status = await options.status(cert.serialHex);
      } catch (err) {
        throw new PkiError('status_unavailable', 'certificate status cannot be determined now', { cause: err });
      }
      switch (status.status) {
        case 'good':
          return cert;
        case 'hold':
          throw new PkiError('cert_on_hold', 'the certificate is suspended');
        case 'revoked':
          throw new PkiError('cert_revoked', 'the certificate is revoked');
        case 'unknown':
          throw new PkiError('cert_status_unknown', 'the certificate is not known to the registry');
        default:
          // An answer the port should never give: fail closed.
          throw new PkiError('status_unavailable', 'certificate status cannot be determined now');
      }
    },
  };
}
