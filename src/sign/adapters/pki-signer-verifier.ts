// SignerCertificateVerifier over the CA library's verifier (pki
// createCardCertificateVerifier) with the card-sign profile: no extended key
// usage at all (requiredPurpose null — an authentication certificate, whose
// EKU is clientAuth, is refused), digitalSignature and nonRepudiation, the
// policy "key on card, PIN always". Its status port says good ON PURPOSE:
// status and attestation are checked in the registry after the signature
// (flow/checks/card-status.ts), failing closed there. pki codes become the
// internal reasons behind signing_failed.
import { createCardCertificateVerifier, isPkiError, type CaCertificate, type CertStatus, type PkiErrorCode } from '../../../pki/index.js';
import { SigningFailure, type SigningFailureReason } from '../codes.js';
import type { SignerCertificateVerifier } from '../flow/ports.js';

const reasons: Partial<Record<PkiErrorCode, SigningFailureReason>> = {
  cert_too_large: 'certificate_malformed',
  cert_malformed: 'certificate_malformed',
  cert_unsupported_algorithm: 'certificate_malformed',
  cert_unknown_critical_extension: 'certificate_malformed',
  cert_untrusted_issuer: 'certificate_untrusted',
  cert_signature_invalid: 'certificate_untrusted',
  cert_is_ca: 'certificate_wrong_purpose',
  cert_wrong_purpose: 'certificate_wrong_purpose',
  cert_wrong_policy: 'certificate_wrong_purpose',
  cert_expired: 'certificate_expired',
  cert_not_yet_valid: 'certificate_expired',
};

const CHECKED_LATER: CertStatus = { status: 'good' };

export function pkiSignerVerifier(opts: { readonly root: string | Uint8Array | CaCertificate; readonly issuing: string | Uint8Array | CaCertificate }): SignerCertificateVerifier {
  const inner = createCardCertificateVerifier({
    root: opts.root,
    issuing: opts.issuing,
    status: async () => CHECKED_LATER,
    requiredPurpose: null,
    requiredKeyUsage: ['nonRepudiation'],
  });
  return {
    async verify(unverifiedDer, at) {
      try {
        const c = await inner.verify(unverifiedDer, at);
        const s = c.subject;
        return {
          certSerialHex: c.serialHex,
          certSha256: c.sha256,
          subject: [s.country && `C=${s.country}`, s.commonName && `CN=${s.commonName}`, s.serialNumber && `serialNumber=${s.serialNumber}`].filter(Boolean).join(', '),
          serialNumber: s.serialNumber,
          publicKey: c.publicKey,
        };
      } catch (err) {
        if (isPkiError(err)) throw new SigningFailure(reasons[err.code] ?? 'certificate_untrusted', `${err.code}: ${err.message}`);
        throw new SigningFailure('certificate_malformed', 'the certificate could not be checked', err);
      }
    },
  };
}
