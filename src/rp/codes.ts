// Stable public error codes of relying parties: their credentials, scopes,
// terminals, rate limits and registration. The message is public and says
// nothing secret; the cause is logged, never sent.
import { codedErrors, defineCodes } from '../errors/app-error.js';

export const rpCodes = defineCodes({
  unauthorized: { status: 401, title: 'Missing or invalid relying-party credential' },
  rp_disabled: { status: 403, title: 'The relying party is disabled' },
  scope_not_allowed: { status: 403, title: 'The relying party lacks the scope for this call' },
  terminal_unknown: { status: 403, title: 'The terminal is not registered for this relying party' },
  terminal_not_allowed: { status: 403, title: 'This credential speaks for another terminal' },
  terminal_key_required: { status: 403, title: 'This call is for a terminal-bound credential (cardauth rp terminal-key)' },
  rate_limited: { status: 429, title: 'Too many requests' },
  rp_not_found: { status: 404, title: 'No such relying party' },
  rp_invalid: { status: 400, title: 'The relying-party registration is invalid' },
  idempotency_key_invalid: { status: 400, title: 'The Idempotency-Key header is malformed' },
  idempotency_key_reused: { status: 422, title: 'The Idempotency-Key was already used with another request' },
  idempotency_key_in_use: { status: 409, title: 'A request with this Idempotency-Key is still being processed' },
  pepper_not_initialised: { status: 503, title: 'The relying-party pepper secret is not in this data directory' },
});

export type RpCode = keyof typeof rpCodes;

export const [rpError, isRpError] = codedErrors(rpCodes);
