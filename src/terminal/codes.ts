// Stable error codes of the terminal client (`cardauth terminal`): what a
// terminal run ends with when it does not end with a signed result. The
// server's own refusals keep the server's code (card_revoked, …); these are
// the terminal's side of the conversation. `cardauth terminal` prints the code
// as `error: <code>` and exits non-zero.
import { AppError, defineCodes } from '../errors/app-error.js';

export const terminalCodes = defineCodes({
  pin_wrong: { status: 401, title: 'The PIN was wrong; the card counted the try' },
  pin_blocked: { status: 403, title: 'The PIN is blocked; unblock it with the PUK at an issuance office' },
  pin_entry_cancelled: { status: 400, title: 'PIN entry was cancelled' },
  card_not_supported: { status: 422, title: 'The card is not a cardauth ID card (no PIV application, no authentication key or certificate)' },
  challenge_invalid: { status: 502, title: 'The challenge from the server is malformed' },
  challenge_not_displayable: { status: 502, title: 'The challenge holds text this terminal cannot show faithfully; nothing was signed' },
  signing_input_mismatch: { status: 502, title: 'The server\'s signing input differs from the transaction shown; nothing was signed' },
  server_unavailable: { status: 503, title: 'The authentication server could not be reached' },
});

export type TerminalCode = keyof typeof terminalCodes;

export function terminalError(code: TerminalCode, message: string, options?: { cause?: unknown; detail?: Record<string, unknown> }): AppError<TerminalCode> {
  return new AppError(code, message, terminalCodes[code].status, options);
}
