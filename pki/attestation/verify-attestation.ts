// Verifies a YubiKey-format PIV attestation (Yubico "PIV attestation"):
//   attestation certificate (from the card's ATTEST command, signed by the
//   card's F9 key) ← F9 certificate (object 5FFF01) ← [intermediates] ←
//   a configured manufacturer root.
// The path is checked as RFC 5280 §6.1 asks: each certificate named and
// signed by the one above it (§6.1.3 (a)(1), (a)(4)), and every certificate
// above the attestation — the F9 certificate and each intermediate — allowed
// to certify: basicConstraints cA TRUE (§6.1.4 (k)), keyCertSign when it has
// a keyUsage (§6.1.4 (n)), and no pathLenConstraint exceeded (§6.1.4 (l),
// (m); the root's own pathLenConstraint counts too, as OpenSSL counts it).
// Without these, any end-entity key the manufacturer certified — a card's
// genuine attestation certificate among them — could sign an "attestation"
// of its own. Validity dates are not checked: attestation certificates carry
// the device's manufacturing-time validity, which says nothing about the key.
// Then reads serial, firmware, PIN/touch policy, form factor, and compares
// the attested public key, serial and policies with what the caller expects.
// Sizes are bounded before parsing; every failure has its own code.
import { X509Certificate, type KeyObject } from 'node:crypto';
import { PkiError } from '../errors.js';
import { pemBundleToDer } from '../lib/pem.js';
import { spkiDer, toPublicKeyObject } from '../lib/spki.js';
import type { PublicKeyInput } from '../types.js';
import { readCertificateFields, type CertificateFields } from '../verify/read-certificate-fields.js';
import { readYubicoExtensions, type PinPolicy, type TouchPolicy } from './read-yubico-extensions.js';

export const MAX_ATTESTATION_CERT_BYTES = 4096;
const MAX_INTERMEDIATES = 4;

/** A configured root and the pathLenConstraint of its basicConstraints, if any. */
export interface TrustAnchor {
  readonly certificate: X509Certificate;
  readonly pathLen: number | undefined;
}

/** The configured manufacturer roots: several at once, so a new root can be added before an old one is retired. */
export interface ManufacturerRoots {
  readonly certificates: readonly X509Certificate[];
  readonly anchors: readonly TrustAnchor[];
}

export function manufacturerRoots(pems: readonly string[]): ManufacturerRoots {
  const anchors: TrustAnchor[] = [];
  for (const pem of pems) {
    for (const der of pemBundleToDer(pem)) {
      let certificate: X509Certificate;
      let fields: CertificateFields;
      try {
        certificate = new X509Certificate(der);
        fields = readCertificateFields(der);
      } catch (err) {
        throw new PkiError('ca_state_corrupt', 'a configured manufacturer root cannot be read', { cause: err });
      }
      if (!fields.basicConstraints?.ca || (fields.keyUsage !== undefined && !fields.keyUsage.has('keyCertSign'))) {
        throw new PkiError('ca_state_corrupt', `the configured manufacturer root ${certificate.subject} is not a CA certificate`);
      }
      anchors.push({ certificate, pathLen: fields.basicConstraints.pathLen });
    }
  }
  if (anchors.length === 0) throw new PkiError('ca_state_corrupt', 'no manufacturer root configured');
  return { certificates: anchors.map((a) => a.certificate), anchors };
}

export interface AttestationInput {
  /** The attestation certificate for the slot key (DER). */
  readonly unverifiedAttestation: Uint8Array;
  /** The card's F9 certificate from object 5FFF01 (DER). */
  readonly unverifiedF9Certificate: Uint8Array;
  /** Certificates between F9 and the root, nearest to F9 first (Yubico 5.7.4+). */
  readonly unverifiedIntermediates?: readonly Uint8Array[];
  readonly roots: ManufacturerRoots;
  readonly expected?: {
    readonly publicKey?: PublicKeyInput;
    readonly serial?: number;
    readonly pinPolicy?: PinPolicy;
    readonly touchPolicy?: TouchPolicy;
  };
}

export interface VerifiedAttestation {
  readonly serial: number;
  readonly firmware: string;
  readonly pinPolicy: PinPolicy;
  readonly touchPolicy: TouchPolicy;
  readonly formFactor: number | undefined;
  /** Slot named in the subject ("YubiKey PIV Attestation 9a"), lower-case hex. */
  readonly slot: string | undefined;
  readonly publicKey: KeyObject;
  /** Subject of the manufacturer root the chain ends at. */
  readonly root: string;
}

interface PathCertificate {
  readonly x509: X509Certificate;
  readonly fields: CertificateFields;
  readonly what: string;
}

function fieldsOf(der: Uint8Array, what: string): CertificateFields {
  try {
    return readCertificateFields(der);
  } catch (err) {
    throw new PkiError('attestation_malformed', `${what} structure is invalid`, { cause: err });
  }
}

function chainInvalid(message: string): PkiError {
  return new PkiError('attestation_chain_invalid', message);
}

/**
 * RFC 5280 §6.1.4 (k), (l), (m), (n) for every certificate above the
 * attestation, walked from the root down. `chain` is nearest-to-F9 first.
 */
function checkCertificationPath(anchor: TrustAnchor, chain: readonly PathCertificate[]): void {
  // max_path_length starts at n, the number of certificates in the path (the
  // attestation, the F9 certificate, the intermediates), bounded by the root's own constraint.
  let maxPathLength = chain.length + 1;
  if (anchor.pathLen !== undefined) maxPathLength = Math.min(maxPathLength, anchor.pathLen);
  for (let i = chain.length - 1; i >= 0; i--) {
    const { x509, fields, what } = chain[i] as PathCertificate;
    if (!fields.basicConstraints?.ca) throw chainInvalid(`${what} is not a CA certificate (basicConstraints cA, RFC 5280 §6.1.4 (k))`);
    if (fields.keyUsage !== undefined && !fields.keyUsage.has('keyCertSign')) {
      throw chainInvalid(`${what} has a keyUsage without keyCertSign (RFC 5280 §6.1.4 (n))`);
    }
    if (x509.issuer !== x509.subject) {
      if (maxPathLength <= 0) throw chainInvalid(`${what} exceeds the pathLenConstraint of a certificate above it (RFC 5280 §6.1.4 (l))`);
      maxPathLength--;
    }
    const pathLen = fields.basicConstraints.pathLen;
    if (pathLen !== undefined && pathLen < maxPathLength) maxPathLength = pathLen;
  }
}

function parse(der: Uint8Array, what: string): X509Certificate {
  if (der.length > MAX_ATTESTATION_CERT_BYTES) throw new PkiError('attestation_malformed', `${what} larger than ${MAX_ATTESTATION_CERT_BYTES} bytes`);
  try {
    const cert = new X509Certificate(der);
    void cert.publicKey; // node decodes the key lazily: a broken key must fail here
    return cert;
  } catch (err) {
    throw new PkiError('attestation_malformed', `${what} is not a certificate`, { cause: err });
  }
}

export function verifyAttestation(input: AttestationInput): VerifiedAttestation {
  try {
    return verifyAttestationChecked(input);
  } catch (err) {
    if (err instanceof PkiError) throw err;
    // Anything the checks did not foresee is a refusal, never a crash.
    throw new PkiError('attestation_malformed', 'the attestation cannot be checked', { cause: err });
  }
}

function verifyAttestationChecked(input: AttestationInput): VerifiedAttestation {
  const attestation = parse(input.unverifiedAttestation, 'attestation certificate');
  const intermediates = input.unverifiedIntermediates ?? [];
  if (intermediates.length > MAX_INTERMEDIATES) throw new PkiError('attestation_malformed', 'too many intermediate certificates');
  const chain: PathCertificate[] = [
    { der: input.unverifiedF9Certificate, what: 'the F9 certificate' },
    ...intermediates.map((der, i) => ({ der, what: `intermediate ${i + 1}` })),
  ].map(({ der, what }) => ({ x509: parse(der, what), fields: fieldsOf(der, what), what }));
  const f9 = (chain[0] as PathCertificate).x509;
  const fields = fieldsOf(input.unverifiedAttestation, 'attestation certificate');

  // Trust: each certificate is named and signed by the next one up, the last by a configured root.
  if (attestation.issuer !== f9.subject || !attestation.verify(f9.publicKey)) {
    throw new PkiError('attestation_signature_invalid', 'the attestation is not signed by the F9 certificate');
  }
  for (let i = 0; i + 1 < chain.length; i++) {
    const child = (chain[i] as PathCertificate).x509;
    const parent = (chain[i + 1] as PathCertificate).x509;
    if (child.issuer !== parent.subject || !child.verify(parent.publicKey)) {
      throw new PkiError('attestation_signature_invalid', `intermediate ${i + 1} does not sign the certificate below it`);
    }
  }
  const top = (chain[chain.length - 1] as PathCertificate).x509;
  const anchor = input.roots.anchors.find((r) => top.issuer === r.certificate.subject && top.verify(r.certificate.publicKey));
  if (!anchor) throw new PkiError('attestation_untrusted_root', 'the attestation does not chain to a configured manufacturer root');
  // Every certificate above the attestation is allowed to certify what is below it.
  checkCertificationPath(anchor, chain);
  const root = anchor.certificate;

  // Content
  const ext = readYubicoExtensions(fields.extensions);
  const publicKey = attestation.publicKey;
  const cn = fields.subject.get('2.5.4.3');
  const slot = /^YubiKey PIV Attestation ([0-9a-fA-F]{2})$/.exec(cn ?? '')?.[1]?.toLowerCase();

  // Expectations
  const expected = input.expected ?? {};
  if (expected.publicKey !== undefined) {
    let want: KeyObject;
    try {
      want = toPublicKeyObject(expected.publicKey);
    } catch (err) {
      throw new PkiError('attestation_key_mismatch', 'the expected public key cannot be read', { cause: err });
    }
    if (!spkiDer(want).equals(spkiDer(publicKey))) throw new PkiError('attestation_key_mismatch', 'the attested key is not the expected key');
  }
  if (expected.serial !== undefined && expected.serial !== ext.serial) {
    throw new PkiError('attestation_serial_mismatch', 'the attested card serial is not the expected one');
  }
  if (expected.pinPolicy !== undefined && expected.pinPolicy !== ext.pinPolicy) {
    throw new PkiError('attestation_policy_mismatch', `PIN policy is ${ext.pinPolicy}, expected ${expected.pinPolicy}`);
  }
  if (expected.touchPolicy !== undefined && expected.touchPolicy !== ext.touchPolicy) {
    throw new PkiError('attestation_policy_mismatch', `touch policy is ${ext.touchPolicy}, expected ${expected.touchPolicy}`);
  }
  return { ...ext, slot, publicKey, root: root.subject };
}
