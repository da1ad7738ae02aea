// Stable public error codes of card + PIN authentication (the relying
// parties' own are in src/rp/codes.ts). Failures of a submitted response that would tell a
// forger WHICH check failed (certificate not ours, malformed, wrong purpose,
// expired, no attestation on record, signature wrong) all answer the one
// public code `authentication_failed`; the log keeps the internal reason
// (see `authFailureReasons`). Revoked / suspended are told apart because they
// are only reached after the card's signature verified: whoever sees them
// holds that card and PIN.
import { AppError, defineCodes } from '../errors/app-error.js';

export const authCodes = defineCodes({
  challenge_not_found: { status: 404, title: 'No such challenge' },
  challenge_expired: { status: 410, title: 'The challenge has expired' },
  challenge_used: { status: 409, title: 'The challenge was already used' },
  challenge_cancelled: { status: 409, title: 'The relying party cancelled the challenge' },
  challenge_terminal_mismatch: { status: 403, title: 'The challenge was issued for another terminal' },
  amount_format: { status: 400, title: 'The amount is not written with exactly its currency\'s ISO 4217 minor-unit digits' },
  authentication_failed: { status: 401, title: 'The card response could not be verified' },
  card_revoked: { status: 401, title: 'The card is revoked' },
  card_suspended: { status: 401, title: 'The card is suspended' },
  attributes_not_allowed: { status: 403, title: 'The relying party may not receive these attributes' },
});

export type AuthCode = keyof typeof authCodes;

/**
 * Internal reasons behind `authentication_failed`: logged, never sent.
 * A test asserts that each one reaches the client as authentication_failed.
 */
export const authFailureReasons = [
  'certificate_malformed',
  'certificate_untrusted',
  'certificate_wrong_purpose',
  'certificate_expired',
  'certificate_unknown',
  'attestation_missing',
  'signature_malformed',
  'signature_invalid',
  'card_not_active',
] as const;
export type AuthFailureReason = (typeof authFailureReasons)[number];

export function authError(code: AuthCode, message: string, options?: { cause?: unknown; detail?: Record<string, unknown> }): AppError<AuthCode> {
  return new AppError(code, message, authCodes[code].status, options);
}

/** A refused card response: public code authentication_failed, internal reason in `cause`. */
export class AuthFailure extends AppError<'authentication_failed'> {
  constructor(
    readonly reason: AuthFailureReason,
    internalMessage: string,
    cause?: unknown,
  ) {
    super('authentication_failed', 'The card response could not be verified.', 401, {
      cause: { reason, message: internalMessage, ...(cause === undefined ? {} : { cause: String(cause) }) },
    });
  }
}
