// A card answer that stops personalisation, as one error (never with secrets).
import { issuanceError } from '../codes.js';

export function cardRefused(operation: string, reason: string): Error {
  return issuanceError('issuance_card_refused', `The card refused ${operation} (${reason})`, { detail: { operation, reason } });
}
