// Check 1 — size bounds and encoding of the untrusted response, before any
// state is touched (untrusted input is parsed in order: size bounds, structure,
// trust, signature, business rules). A truncated or oversized field is refused
// here and the challenge stays usable.
import { AppError } from '../../errors/app-error.js';
import type { ResponseCheck, Submitted } from './context.js';

/** pki MAX_CERT_BYTES: larger certificates are refused by the verifier anyway. */
export const MAX_CERT_DER_BYTES = 4096;
/** ECDSA-Sig-Value for P-256: SEQUENCE of two INTEGERs of at most 33 bytes. */
export const MAX_SIGNATURE_DER_BYTES = 72;
export const MIN_SIGNATURE_DER_BYTES = 8;
export const MIN_CERT_DER_BYTES = 64;

function strictBase64(s: string, field: string, min: number, max: number): Buffer {
  // Canonical standard base64 only: Buffer.from() skips characters it does not
  // know, so the decoded bytes must encode back to exactly the text sent
  // (rejects URL-safe letters, whitespace, missing or extra padding). One
  // native decode and encode; the equivalent regular expression cost more.
  const b = s.length > Math.ceil(max / 3) * 4 ? undefined : Buffer.from(s, 'base64');
  if (b === undefined || b.toString('base64') !== s) {
    throw new AppError('invalid_request', `${field} must be standard base64 of at most ${max} bytes.`, 400, { detail: { field } });
  }
  if (b.length < min || b.length > max) {
    throw new AppError('invalid_request', `${field} must decode to ${min}..${max} bytes.`, 400, { detail: { field } });
  }
  return b;
}

export const sizeBounds: ResponseCheck<Submitted, { unverifiedCertDer: Buffer; unverifiedSignature: Buffer }> = {
  name: 'size-bounds',
  run(ctx) {
    return {
      unverifiedCertDer: strictBase64(ctx.unverified.certificate, 'certificate', MIN_CERT_DER_BYTES, MAX_CERT_DER_BYTES),
      unverifiedSignature: strictBase64(ctx.unverified.signature, 'signature', MIN_SIGNATURE_DER_BYTES, MAX_SIGNATURE_DER_BYTES),
    };
  },
};
