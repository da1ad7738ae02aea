// PC/SC return codes → the card layer's stable error codes.
import type { AppError } from '../../errors/app-error.js';
import { cardError, type CardErrorCode } from '../codes.js';
import { pcscCodes, pcscReturnCode } from './native.js';

const PCSCD_HINT = 'start pcscd (e.g. `sudo systemctl start pcscd`, or `sudo pcscd`) and check /run/pcscd/pcscd.comm';

const byReturnCode: ReadonlyMap<number, CardErrorCode> = new Map<number, CardErrorCode>([
  [pcscCodes.SCARD_E_NO_SERVICE, 'pcsc_unavailable'],
  [pcscCodes.SCARD_E_SERVICE_STOPPED, 'pcsc_unavailable'],
  [pcscCodes.SCARD_E_UNKNOWN_READER, 'reader_not_found'],
  [pcscCodes.SCARD_E_READER_UNAVAILABLE, 'reader_not_found'],
  [pcscCodes.SCARD_E_NO_SMARTCARD, 'no_card'],
  [pcscCodes.SCARD_W_REMOVED_CARD, 'card_removed'],
  [pcscCodes.SCARD_W_RESET_CARD, 'card_reset'],
  [pcscCodes.SCARD_E_SHARING_VIOLATION, 'reader_busy'],
]);

/**
 * Map a binding error to an AppError. `fallback` is the code when the return
 * code says nothing more specific. The binding's message (no secrets: it is
 * PC/SC's text and code) is kept as the internal cause.
 */
export function fromPcscError(error: unknown, fallback: CardErrorCode, context: string): AppError<CardErrorCode> {
  const rc = pcscReturnCode(error);
  const code = (rc === undefined ? undefined : byReturnCode.get(rc)) ?? fallback;
  const rcText = rc === undefined ? '' : ` (PC/SC 0x${rc.toString(16).padStart(8, '0')})`;
  const message =
    code === 'pcsc_unavailable'
      ? `${context}: the PC/SC service is not available${rcText}; ${PCSCD_HINT}`
      : `${context}: ${describe(code)}${rcText}`;
  return cardError(code, message, { cause: error, detail: rc === undefined ? undefined : { pcscReturnCode: rc } });
}

function describe(code: CardErrorCode): string {
  switch (code) {
    case 'reader_not_found':
      return 'the reader is not known to pcscd';
    case 'no_card':
      return 'no card in the reader';
    case 'card_removed':
      return 'the card was removed';
    case 'card_reset':
      return 'the card was reset by another application';
    case 'reader_busy':
      return 'another application holds the card exclusively';
    default:
      return 'the PC/SC call failed';
  }
}

export { PCSCD_HINT };
