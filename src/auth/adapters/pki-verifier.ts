// CardCertificateVerifier over the CA library's hot-path verifier (pki
// createCardCertificateVerifier: chain, purpose, policy, validity, cached per
// certificate). Its revocation step is given a status port that always says
// good ON PURPOSE: revocation, suspension and attestation are checked by
// checks/card-status.ts in one registry query AFTER the signature (docs/architecture.md,
// flow 2 order), failing closed there. pki error codes are mapped to the
// internal reasons behind `authentication_failed`.
import {
  createCardCertificateVerifier,
  isPkiError,
  type CaCertificate,
  type CertStatus,
  type PkiErrorCode,
} from '../../../pki/index.js';
import { AuthFailure, type AuthFailureReason } from '../codes.js';
import type { CardCertificateVerifier } from '../ports.js';

const reasons: Partial<Record<PkiErrorCode, AuthFailureReason>> = {
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

export function pkiCardVerifier(opts: {
  readonly root: string | Uint8Array | CaCertificate;
  readonly issuing: string | Uint8Array | CaCertificate;
  readonly cacheEntries?: number;
}): CardCertificateVerifier {
  const inner = createCardCertificateVerifier({
    root: opts.root,
    issuing: opts.issuing,
    status: async () => CHECKED_LATER,
    ...(opts.cacheEntries === undefined ? {} : { cacheEntries: opts.cacheEntries }),
  });
  return {
    async verify(unverifiedDer, at) {
      try {
        const c = await inner.verify(unverifiedDer, at);
        return {
          certSerialHex: c.serialHex,
          certSha256: c.sha256,
          subject: { country: c.subject.country, surname: c.subject.surname, givenName: c.subject.givenName, serialNumber: c.subject.serialNumber },
          publicKey: c.publicKey,
        };
      } catch (err) {
        if (isPkiError(err)) throw new AuthFailure(reasons[err.code] ?? 'certificate_untrusted', `${err.code}: ${err.message}`);
        throw new AuthFailure('certificate_malformed', 'the certificate could not be checked', err);
      }
    },
  };
}
