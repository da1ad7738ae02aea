// What the citizen's page shows, as data: the terminal process decides the
// screen and the page only draws it (in the language the citizen chose).
// Every text in here is either the terminal's own (codes the page
// translates) or challenge text that passed check-displayable.ts, which the
// page puts on screen as text, never as markup. The PIN is never in here:
// only whether one is being asked for, and the tries left.
import type { IssuedChallenge as TerminalChallenge } from '../../auth/wire.js';
import type { TerminalOutcome } from '../types.js';
import { transactionView } from '../show-transaction.js';
import { presentAmount, type AmountView } from './present-amount.js';

/** Who asks, for what, and what would be shared: shown before the PIN. */
export interface RequestView {
  /** The relying party's registered name. */
  readonly rpName: string;
  readonly amount: AmountView | null;
  readonly payee: string | null;
  readonly reference: string | null;
  /** eKYC attribute names (the page shows their labels). */
  readonly attributes: readonly string[];
  readonly consentText: string | null;
}

export type OutcomeView =
  | { readonly kind: 'approved' }
  | { readonly kind: 'wrong-pin'; readonly triesLeft: number }
  | { readonly kind: 'pin-blocked' }
  | { readonly kind: 'card-suspended' }
  | { readonly kind: 'card-revoked' }
  | { readonly kind: 'expired' }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'citizen-cancelled' }
  | { readonly kind: 'card-removed' }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'card-not-supported' }
  | { readonly kind: 'request-refused' }
  | { readonly kind: 'not-authenticated'; readonly code: string }
  | { readonly kind: 'card-error'; readonly code: string };

export type PinNotice = { readonly kind: 'wrong-pin'; readonly triesLeft: number } | { readonly kind: 'pin-format' };

export type ScreenState =
  | { readonly screen: 'idle'; readonly card: boolean | null; readonly service: 'ok' | 'connecting' | 'refused' }
  | { readonly screen: 'insert-card'; readonly request: RequestView }
  | { readonly screen: 'reading'; readonly request: RequestView }
  | { readonly screen: 'pin'; readonly request: RequestView; readonly triesLeft: number | null; readonly notice: PinNotice | null }
  | { readonly screen: 'working'; readonly step: 'signing' | 'sending' | 'retrying' }
  | { readonly screen: 'outcome'; readonly outcome: OutcomeView };

/** The request as shown; throws challenge_not_displayable for text that cannot be shown as it is. */
export function requestView(challenge: TerminalChallenge, rpName: string): RequestView {
  const v = transactionView(challenge);
  const t = challenge.transaction;
  return {
    rpName,
    amount: t === null ? null : presentAmount(t.amount, t.currency),
    payee: v.payee,
    reference: v.reference,
    attributes: [...v.requestedAttributes],
    consentText: v.consentText,
  };
}

/** How a run ended, for the citizen. */
export function outcomeView(o: TerminalOutcome): OutcomeView {
  switch (o.kind) {
    case 'completed':
      return { kind: 'approved' };
    case 'wrong-pin':
      // The last try used: the card has blocked the PIN, and that is what the citizen must know.
      return o.triesLeft === 0 ? { kind: 'pin-blocked' } : { kind: 'wrong-pin', triesLeft: o.triesLeft };
    case 'pin-blocked':
      return { kind: 'pin-blocked' };
    case 'pin-entry-cancelled':
      return { kind: 'citizen-cancelled' };
    case 'card-removed':
      return { kind: 'card-removed' };
    case 'no-card':
      return { kind: 'expired' };
    case 'card-not-supported':
      return { kind: 'card-not-supported' };
    case 'card-error':
      return { kind: 'card-error', code: o.code };
    case 'challenge-refused':
      return { kind: 'request-refused' };
    case 'server-unavailable':
      return { kind: 'unavailable' };
    case 'server-refused':
      switch (o.code) {
        case 'card_revoked':
        case 'cert_revoked':
          return { kind: 'card-revoked' };
        case 'card_suspended':
        case 'cert_on_hold':
          return { kind: 'card-suspended' };
        case 'challenge_expired':
          return { kind: 'expired' };
        case 'challenge_cancelled':
        case 'challenge_used':
          return { kind: 'cancelled' };
        default:
          return { kind: 'not-authenticated', code: o.code };
      }
  }
}
