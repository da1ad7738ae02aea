// The terminal client (`cardauth terminal`; flow 2 of docs/architecture.md):
// the public API is this folder, one operation per file.
export type { TerminalOutcome, TerminalDisplay, TerminalStep, TransactionView } from './types.js';
export type { PinPad } from '../pin-pad/types.js';
export type { IssuedChallenge } from '../auth/wire.js';
export { terminalCodes, terminalError, type TerminalCode } from './codes.js';
export { parseChallenge } from './parse-challenge.js';
export { checkSigningInput } from './check-signing-input.js';
export { checkDisplayable } from './check-displayable.js';
export { formatAmount } from './format-amount.js';
export { showTransaction, transactionView } from './show-transaction.js';
export { waitForCard, openCardSession, type CardSession } from './wait-for-card.js';
export { readCardCertificate, type CardCertificate } from './read-card-certificate.js';
export { signWithPin, type SignWithPinResult } from './sign-with-pin.js';
export { callServer, type ServerConfig, type ServerAnswer } from './server/http.js';
export { fetchChallenge, type FetchChallengeResult } from './server/fetch-challenge.js';
export { submitResponse, type SubmitResponseResult } from './server/submit-response.js';
export { authenticate, outcomeOfError, type AuthenticateOptions } from './authenticate.js';
export { describeOutcome, outcomeCode } from './describe-outcome.js';
export { ttyPinPad } from '../pin-pad/tty-pin-pad.js';
export { streamPinPad } from '../pin-pad/stream-pin-pad.js';
export { streamDisplay } from './display/stream-display.js';
