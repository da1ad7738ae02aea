// The terminal does not trust the server with its screen (it shows amount and
// payee before the PIN pad: flow 2 of docs/architecture.md). Every field of a
// challenge that reaches the citizen's eyes must be text this terminal can
// show exactly as it is: the
// rule of src/auth/display-text.ts for payee, reference and consent text,
// a plain decimal string for the amount, letters for the currency and the
// attribute names. A challenge that breaks it is refused before the card is
// touched and before the PIN is asked for — never shown stripped: the card
// would sign the payee the server sent (check-signing-input.ts rebuilds the
// input from these very fields), not the one the citizen read.
import { displayTextLimits, multiLineTextProblem, singleLineTextProblem, textProblemMessages, type TextProblem } from '../auth/display-text.js';
import { terminalError } from './codes.js';
import type { IssuedChallenge } from '../auth/wire.js';

// formatAmount shows an amount that does not fit its currency as received:
// only digits and one point may ever reach the screen that way.
const AMOUNT = /^[0-9]{1,32}(?:\.[0-9]{1,32})?$/;
const CURRENCY = /^[A-Z]{3}$/;
const ATTRIBUTE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** Throws challenge_not_displayable naming the field and the reason (never the text). */
export function checkDisplayable(challenge: IssuedChallenge): void {
  const refuse = (field: string, reason: TextProblem | 'not_a_decimal' | 'not_a_currency_code' | 'not_an_attribute_name', words: string) =>
    terminalError('challenge_not_displayable', `The challenge's ${field} ${words}; this terminal will not show it and nothing was signed.`, {
      detail: { field, reason },
    });
  const text = (field: string, problem: TextProblem | undefined) => {
    if (problem !== undefined) throw refuse(field, problem, textProblemMessages[problem]);
  };
  const t = challenge.transaction;
  if (t !== null) {
    if (!AMOUNT.test(t.amount)) throw refuse('transaction.amount', 'not_a_decimal', 'is not a decimal number');
    if (!CURRENCY.test(t.currency)) throw refuse('transaction.currency', 'not_a_currency_code', 'is not a currency code');
    text('transaction.payee', singleLineTextProblem(t.payee, displayTextLimits.payee));
    if (t.reference !== undefined) text('transaction.reference', singleLineTextProblem(t.reference, displayTextLimits.reference));
  }
  challenge.requestedAttributes.forEach((a, i) => {
    if (!ATTRIBUTE.test(a)) throw refuse(`requestedAttributes.${i}`, 'not_an_attribute_name', 'is not an attribute name');
  });
  if (challenge.consentText !== null) text('consentText', multiLineTextProblem(challenge.consentText));
}
