// Stable public error codes of document signing with the ID card: building
// containers (CAdES, PAdES), the sign-request flow, and validating a
// signature. As with authentication, a card answer that would tell a forger
// which check failed (certificate not ours, wrong key, signature wrong) is
// one public code, `signing_failed`; the log keeps the internal reason
// (`signingFailureReasons`). Validation codes are public and precise: a
// validator's job is to say why a signature does not hold.
import { AppError, codedErrors, defineCodes } from '../errors/app-error.js';

export const signCodes = defineCodes({
  // Input of a signature
  sign_digest_invalid: { status: 400, title: 'The document digest is not 32 bytes of SHA-256' },
  pdf_too_large: { status: 413, title: 'The PDF is larger than allowed' },
  pdf_malformed: { status: 422, title: 'The PDF is not well-formed' },
  pdf_unsupported: { status: 422, title: 'This PDF cannot be signed here (encrypted, or a cross-reference stream)' },
  // The sign-request flow
  sign_request_not_found: { status: 404, title: 'No such sign request' },
  sign_request_expired: { status: 410, title: 'The sign request has expired' },
  sign_request_used: { status: 409, title: 'The sign request was already used' },
  sign_request_cancelled: { status: 409, title: 'The relying party cancelled the sign request' },
  sign_request_terminal_mismatch: { status: 403, title: 'The sign request was issued for another terminal' },
  signing_failed: { status: 401, title: 'The card signature could not be verified' },
  // Validating a signature
  signature_container_too_large: { status: 413, title: 'The signature container is larger than allowed' },
  signature_container_malformed: { status: 422, title: 'The signature container is not a well-formed CAdES signature' },
  signature_document_mismatch: { status: 422, title: 'The document does not match the signature: it was changed after signing' },
  signature_invalid: { status: 422, title: 'The signature value does not verify' },
  signature_certificate_untrusted: { status: 422, title: 'The signer certificate does not chain to the national root' },
  signature_certificate_wrong_purpose: { status: 422, title: 'The signer certificate is not a signature (nonRepudiation) certificate of an ID card' },
  signature_certificate_expired: { status: 422, title: 'The signer certificate was not valid at the signing time' },
  signature_certificate_revoked: { status: 422, title: 'The signer certificate was revoked or suspended before the signing time' },
  signature_certificate_status_unknown: { status: 422, title: 'The status of the signer certificate at the signing time is not known' },
  signature_timestamp_invalid: { status: 422, title: 'The signature timestamp does not verify' },
});

export type SignCode = keyof typeof signCodes;

export const [signError, isSignError] = codedErrors(signCodes);

/**
 * Internal reasons behind `signing_failed`: logged, never sent. A test
 * asserts that each one reaches the client as signing_failed.
 */
export const signingFailureReasons = [
  'certificate_malformed',
  'certificate_untrusted',
  'certificate_wrong_purpose',
  'certificate_expired',
  'certificate_unknown',
  'attestation_missing',
  'signature_malformed',
  'signature_invalid',
  'card_not_active',
  'signing_time_invalid',
] as const;
export type SigningFailureReason = (typeof signingFailureReasons)[number];

/** A refused card signature: public code signing_failed, internal reason in `cause`. */
export class SigningFailure extends AppError<'signing_failed'> {
  constructor(
    readonly reason: SigningFailureReason,
    internalMessage: string,
    cause?: unknown,
  ) {
    super('signing_failed', 'The card signature could not be verified.', 401, {
      cause: { reason, message: internalMessage, ...(cause === undefined ? {} : { cause: String(cause) }) },
    });
  }
}
