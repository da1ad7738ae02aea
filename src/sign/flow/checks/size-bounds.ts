// Check 1 — size bounds and encoding of the submitted certificate and
// signature (canonical standard base64), before any state is touched: the
// request stays usable when this refuses.
import { AppError } from '../../../errors/app-error.js';
import type { SignCheck } from './context.js';

export const MAX_CERT_DER_BYTES = 4096;
export const MIN_CERT_DER_BYTES = 64;
export const MAX_SIGNATURE_DER_BYTES = 72;
export const MIN_SIGNATURE_DER_BYTES = 8;

function strictBase64(s: string, field: string, min: number, max: number): Buffer {
  const b = s.length > Math.ceil(max / 3) * 4 ? undefined : Buffer.from(s, 'base64');
  if (b === undefined || b.toString('base64') !== s) throw new AppError('invalid_request', `${field} must be standard base64 of at most ${max} bytes.`, 400, { detail: { field } });
  if (b.length < min || b.length > max) throw new AppError('invalid_request', `${field} must decode to ${min}..${max} bytes.`, 400, { detail: { field } });
  return b;
}

export const sizeBounds: SignCheck = {
  name: 'size-bounds',
  run(ctx) {
    ctx.unverifiedCertDer = strictBase64(ctx.unverified.certificate, 'certificate', MIN_CERT_DER_BYTES, MAX_CERT_DER_BYTES);
    ctx.unverifiedSignature = strictBase64(ctx.unverified.signature, 'signature', MIN_SIGNATURE_DER_BYTES, MAX_SIGNATURE_DER_BYTES);
  },
};
