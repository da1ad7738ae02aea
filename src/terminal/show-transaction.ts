// Show the citizen what the PIN will approve (the citizen reads the amount
// and payee on the terminal before typing the PIN): amount in the currency's
// minor units, payee, reference, and for eKYC the requested attributes with
// the consent text.
// Built only from the challenge fields whose signing input was rebuilt, and
// only from text that can be shown as it is (check-displayable.ts; throws
// challenge_not_displayable otherwise), so no display need clean it.
import { checkDisplayable } from './check-displayable.js';
import { formatAmount } from './format-amount.js';
import type { TerminalDisplay, TransactionView } from './types.js';
import type { IssuedChallenge } from '../auth/wire.js';

export function transactionView(challenge: IssuedChallenge): TransactionView {
  checkDisplayable(challenge);
  const t = challenge.transaction;
  return {
    amount: t === null ? null : formatAmount(t.amount, t.currency),
    payee: t?.payee ?? null,
    reference: t?.reference ?? null,
    requestedAttributes: challenge.requestedAttributes,
    consentText: challenge.consentText,
  };
}

export function showTransaction(display: TerminalDisplay, challenge: IssuedChallenge): TransactionView {
  const view = transactionView(challenge);
  display.showTransaction(view);
  return view;
}
