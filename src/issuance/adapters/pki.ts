// Adapters from the CA library (pki/) to issuance's ports (../ports/ca.ts):
// the composition root builds them from an opened CertificateAuthority and
// the configured manufacturer roots.
import { isPkiError, verifyAttestation, type CertificateAuthority, type ManufacturerRoots } from '../../../pki/index.js';
import type { AttestationOutcome, AttestationVerifier, CertificateIssuer } from '../ports/ca.js';

export function pkiCertificateIssuer(ca: Pick<CertificateAuthority, 'issueCardCertificate' | 'issuing'>): CertificateIssuer {
  return {
    issuingCertificateDer: new Uint8Array(ca.issuing.der),
    async issue(request) {
      const issued = await ca.issueCardCertificate({
        publicKey: request.publicKeySpki,
        profile: request.profile,
        subject: request.subject,
        notAfter: request.notAfter,
      });
      return { der: new Uint8Array(issued.der), serialHex: issued.serialHex, notBefore: issued.notBefore, notAfter: issued.notAfter };
    },
  };
}

const reasonOf: Readonly<Record<string, Exclude<AttestationOutcome, { ok: true }>['reason']>> = {
  attestation_malformed: 'malformed',
  attestation_untrusted_root: 'untrusted-chain',
  attestation_signature_invalid: 'untrusted-chain',
  attestation_chain_invalid: 'untrusted-chain',
  attestation_key_mismatch: 'key-mismatch',
  attestation_serial_mismatch: 'serial-mismatch',
  attestation_policy_mismatch: 'policy-mismatch',
};

/**
 * Attestation check over pki's verifyAttestation (chain to a manufacturer
 * root, serial, key, PIN policy), plus the slot the certificate names.
 * Validity dates are not checked: YubiKey attestation certificates carry the
 * device's manufacturing-time validity, which says nothing about the key.
 */
export function pkiAttestationVerifier(roots: ManufacturerRoots): AttestationVerifier {
  return {
    async verify(unverifiedAttestationDer, unverifiedIssuerDer, expected, _now) {
      try {
        const v = verifyAttestation({
          unverifiedAttestation: unverifiedAttestationDer,
          unverifiedF9Certificate: unverifiedIssuerDer,
          roots,
          expected: { publicKey: expected.publicKeySpki, serial: expected.serial, pinPolicy: expected.pinPolicy },
        });
        if (v.slot !== undefined && v.slot !== expected.slot.toString(16)) return { ok: false, reason: 'slot-mismatch' };
        return { ok: true };
      } catch (e) {
        if (isPkiError(e)) return { ok: false, reason: reasonOf[e.code] ?? 'malformed' };
        throw e;
      }
    },
  };
}
