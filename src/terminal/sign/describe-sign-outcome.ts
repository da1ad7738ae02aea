// The words and the stable code at the end of a signing run.
import { describeOutcome, outcomeCode } from '../describe-outcome.js';
import type { SignOutcome } from './types.js';

export function describeSignOutcome(o: SignOutcome): string {
  switch (o.kind) {
    case 'signed':
      return 'Signed. You may remove your card.';
    case 'card-removed':
      return 'The card was removed before the signature was made. Nothing was signed; insert the card and start again.';
    case 'server-refused':
      return `Not signed: ${o.title}.`;
    case 'server-unavailable':
      return `The signing service is unavailable (${o.detail}). The signature was not completed.`;
    default:
      return describeOutcome(o);
  }
}

export function signOutcomeCode(o: SignOutcome): string | undefined {
  return o.kind === 'signed' ? undefined : outcomeCode(o);
}
