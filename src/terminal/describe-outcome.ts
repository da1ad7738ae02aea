// The words a citizen (or the operator's script) reads at the end of a run,
// and the stable code the CLI prints (`error: <code>`). A blocked PIN says
// what to do next (unblock it with the PUK at an issuance office), not just
// that it failed. A wrong PIN is said once, when the card refuses it
// (wrongPinStatus); the outcome of a run that ends there only concludes it,
// so the line is not printed twice.
import type { TerminalOutcome } from './types.js';

/** The status line when the card refused a PIN and the run goes on (another PIN may follow). */
export function wrongPinStatus(triesLeft: number): string {
  return triesLeft === 1 ? 'Wrong PIN. 1 try left before the PIN is blocked.' : `Wrong PIN. ${triesLeft} tries left.`;
}

const triesLeftText = (n: number): string => (n === 1 ? '1 try left on the card before the PIN is blocked' : `${n} tries left on the card`);

export function describeOutcome(o: TerminalOutcome): string {
  switch (o.kind) {
    case 'completed':
      return 'Authenticated. You may remove your card.';
    case 'wrong-pin':
      // The run ends here; the screen already said "Wrong PIN…" when the card refused it (wrongPinStatus).
      return `Not authenticated: PIN entry ended after a wrong PIN (${triesLeftText(o.triesLeft)}). Nothing was signed.`;
    case 'pin-blocked':
      return 'Your PIN is blocked. Unblock it with your PUK at an issuance office (bring the card and your PUK letter).';
    case 'pin-entry-cancelled':
      return 'PIN entry cancelled. Nothing was signed.';
    case 'card-removed':
      return 'The card was removed before the operation finished. Nothing was authenticated; insert the card and start again.';
    case 'no-card':
      return o.code === 'card_wait_timeout' ? 'No card was inserted in time.' : 'Waiting for a card was cancelled.';
    case 'card-not-supported':
      return `This card cannot be used here: ${o.detail}`;
    case 'card-error':
      return `The card reader reported a problem (${o.code}). Remove the card and try again.`;
    case 'challenge-refused':
      return `Refused: ${o.detail}`;
    case 'server-refused':
      // The service's own words are for operators; a cancellation says who ended it (the state reads only "failed").
      if (o.code === 'challenge_cancelled') return 'This request was cancelled by the bank or payment point that made it. Nothing was authenticated.';
      return `Not authenticated: ${o.title}.`;
    case 'server-unavailable':
      return `The authentication service is unavailable (${o.detail}). Nothing was authenticated.`;
  }
}

/** The stable code of a failed outcome; undefined for `completed`. */
export function outcomeCode(o: TerminalOutcome): string | undefined {
  switch (o.kind) {
    case 'completed':
      return undefined;
    case 'wrong-pin':
      return 'pin_wrong';
    case 'pin-blocked':
      return 'pin_blocked';
    case 'pin-entry-cancelled':
      return 'pin_entry_cancelled';
    case 'card-removed':
      return 'card_removed';
    case 'no-card':
    case 'card-error':
    case 'challenge-refused':
    case 'server-refused':
      return o.code;
    case 'card-not-supported':
      return 'card_not_supported';
    case 'server-unavailable':
      return 'server_unavailable';
  }
}
