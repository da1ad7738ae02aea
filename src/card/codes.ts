// Error codes of the card layer (readers, channels, the PIV client).
//
// These are transport and usage faults. What a card ANSWERS (wrong PIN,
// blocked, empty slot, ...) is not an error: the PIV client returns it as a
// typed result. A code here means "the conversation with the card could not
// take place as asked".
import { codedErrors, defineCodes } from '../errors/app-error.js';

export const cardCodes = defineCodes({
  pcsc_unavailable: { status: 503, title: 'The PC/SC service (pcscd) is not running or not reachable' },
  reader_not_found: { status: 404, title: 'No such card reader' },
  reader_busy: { status: 409, title: 'The card reader is already in use by this process' },
  no_card: { status: 409, title: 'No card in the reader' },
  card_removed: { status: 409, title: 'The card was removed' },
  card_reset: { status: 409, title: 'The card was reset by another application; its security state is lost' },
  card_channel_closed: { status: 409, title: 'The card channel is closed' },
  card_wait_timeout: { status: 504, title: 'No card was presented in time' },
  card_wait_aborted: { status: 409, title: 'Waiting for a card was cancelled' },
  transmit_failed: { status: 502, title: 'The command could not be sent to the card' },
  card_protocol_error: { status: 502, title: 'The card answered with a malformed response' },
  card_unexpected_status: { status: 502, title: 'The card answered with an unexpected status' },
  card_argument_invalid: { status: 400, title: 'Invalid argument for a card operation' },
  pin_format_invalid: { status: 400, title: 'The PIN or PUK does not have the required format' },
  // A simulated card opened from its file in this process (the embedded default).
  card_file_unreadable: { status: 400, title: 'The simulated card file does not exist, or cannot be read or written' },
  card_file_invalid: { status: 422, title: 'The file is not a valid simulated card (firmware-sim/card@1)' },
  card_file_in_use: { status: 409, title: 'The simulated card file is in use by another process' },
});

export type CardErrorCode = keyof typeof cardCodes;

/** Build an AppError with one of these codes (status from the table), and recognise one. */
export const [cardError, isCardError] = codedErrors(cardCodes);
