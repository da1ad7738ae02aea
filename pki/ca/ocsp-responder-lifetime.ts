// The lifetime of the delegated OCSP responder certificate (RFC 6960
// §4.2.2.2). It carries id-pkix-ocsp-nocheck (§4.2.2.2.1), so clients never
// ask for its own status and it is kept short (one year); a client checks
// its validity when it verifies a response, so a response signed under an
// expired one is a "Response Verify Failure" for every client. It is renewed
// well before the end (OCSP_RENEW_BEFORE_DAYS), the service is not ready in
// the last OCSP_READY_MARGIN_DAYS (the renewal has failed for weeks by then),
// and nothing is signed outside its validity.
import type { CaCertificate } from './ca-certificate.js';

/** Renewal starts this many days before notAfter. */
export const OCSP_RENEW_BEFORE_DAYS = 60;
/** Readiness fails this many days before notAfter. */
export const OCSP_READY_MARGIN_DAYS = 7;
const DAY_MS = 86_400_000;

/**
 * valid: nothing to do; renewal-due: inside the renewal window; expiring:
 * inside the readiness margin (still signs); expired / not-yet-valid: signs nothing.
 */
export type OcspResponderState = 'valid' | 'renewal-due' | 'expiring' | 'expired' | 'not-yet-valid';

export function ocspResponderStateAt(cert: CaCertificate, at: Date): OcspResponderState {
  const t = at.getTime();
  if (t < cert.notBefore.getTime()) return 'not-yet-valid';
  if (t > cert.notAfter.getTime()) return 'expired';
  if (t > cert.notAfter.getTime() - OCSP_READY_MARGIN_DAYS * DAY_MS) return 'expiring';
  if (t > cert.notAfter.getTime() - OCSP_RENEW_BEFORE_DAYS * DAY_MS) return 'renewal-due';
  return 'valid';
}

/** Whether a response produced at `at` may be signed under this certificate. */
export function responderCanSignAt(cert: CaCertificate, at: Date): boolean {
  const t = at.getTime();
  return t >= cert.notBefore.getTime() && t <= cert.notAfter.getTime();
}
