// Verifies a YubiKey-format PIV attestation (Yubico "PIV attestation"):
//   attestation certificate (from the card's ATTEST command, signed by the
//   card's F9 key) ← F9 certificate (object 5FFF01) ← [intermediates] ←
//   a configured manufacturer root.
// Then reads serial, firmware, PIN/touch policy, form factor, and compares
// the attested public key, serial and policies with what the caller expects.
// Sizes are bounded before parsing; every failure has its own code.
import { X509Certificate, type KeyObject } from 'node:crypto';
import { PkiError } from '../errors.js';
import { pemBundleToDer } from '../lib/pem.js';
import { spkiDer, toPublicKeyObject } from '../lib/spki.js';
import type { PublicKeyInput } from '../types.js';
import { readCertificateFields } from '../verify/read-certificate-fields.js';
import { readYubicoExtensions, type PinPolicy, type TouchPolicy } from './read-yubico-extensions.js';

export const MAX_ATTESTATION_CERT_BYTES = 4096;
const MAX_INTERMEDIATES = 4;

/** The configured manufacturer roots: several at once, so a new root can be added before an old one is retired. */
export interface ManufacturerRoots {
  readonly certificates: readonly X509Certificate[];
}

export function manufacturerRoots(pems: readonly string[]): ManufacturerRoots {
  const certificates: X509Certificate[] = [];
  for (const pem of pems) {
    for (const der of pemBundleToDer(pem)) {
      try {
        certificates.push(new X509Certificate(der));
      } catch (err) {
        throw new PkiError('ca_state_corrupt', 'a configured manufacturer root cannot be read', { cause: err });
      }
    }
  }
  if (certificates.length === 0) throw new PkiError('ca_state_corrupt', 'no manufacturer root configured');
  return { certificates };
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
  const f9 = parse(input.unverifiedF9Certificate, 'F9 certificate');
  const intermediates = input.unverifiedIntermediates ?? [];
  if (intermediates.length > MAX_INTERMEDIATES) throw new PkiError('attestation_malformed', 'too many intermediate certificates');
  const chain = [f9, ...intermediates.map((d, i) => parse(d, `intermediate ${i + 1}`))];
  let fields;
  try {
    fields = readCertificateFields(input.unverifiedAttestation);
  } catch (err) {
    throw new PkiError('attestation_malformed', 'attestation certificate structure is invalid', { cause: err });
  }

  // Trust: each certificate is named and signed by the next one up, the last by a configured root.
  if (attestation.issuer !== f9.subject || !attestation.verify(f9.publicKey)) {
    throw new PkiError('attestation_signature_invalid', 'the attestation is not signed by the F9 certificate');
  }
  for (let i = 0; i + 1 < chain.length; i++) {
    const child = chain[i] as X509Certificate;
    const parent = chain[i + 1] as X509Certificate;
    if (child.issuer !== parent.subject || !child.verify(parent.publicKey)) {
      throw new PkiError('attestation_signature_invalid', `intermediate ${i + 1} does not sign the certificate below it`);
    }
  }
  const top = chain[chain.length - 1] as X509Certificate;
  const root = input.roots.certificates.find((r) => top.issuer === r.subject && top.verify(r.publicKey));
  if (!root) throw new PkiError('attestation_untrusted_root', 'the attestation does not chain to a configured manufacturer root');

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
