// Value types and ports of the terminal client (the terminal's part of flow 2 in docs/architecture.md,
// line: SELECT PIV → read certificate 9A → show amount/payee → PIN pad →
// VERIFY → GENERAL AUTHENTICATE 9A over the signing input → post the response).
// The PIN pad is the one abstraction of src/pin-pad.

/** How a terminal run ends. The CLI exits 0 only for `completed`. */
export type TerminalOutcome =
  | { readonly kind: 'completed'; readonly result: string; readonly claims: Readonly<Record<string, unknown>> }
  | { readonly kind: 'wrong-pin'; readonly triesLeft: number }
  | { readonly kind: 'pin-blocked' }
  | { readonly kind: 'pin-entry-cancelled' }
  | { readonly kind: 'card-removed' }
  | { readonly kind: 'no-card'; readonly code: 'card_wait_timeout' | 'card_wait_aborted' }
  | { readonly kind: 'card-not-supported'; readonly detail: string }
  | { readonly kind: 'card-error'; readonly code: string }
  | { readonly kind: 'challenge-refused'; readonly code: 'challenge_invalid' | 'challenge_not_displayable' | 'signing_input_mismatch'; readonly detail: string }
  | { readonly kind: 'server-refused'; readonly code: string; readonly status: number; readonly title: string }
  | { readonly kind: 'server-unavailable'; readonly detail: string };

/** What the citizen reads on the terminal's screen. */
export interface TransactionView {
  /** e.g. "25,000.00 KHR" */
  readonly amount: string | null;
  readonly payee: string | null;
  readonly reference: string | null;
  readonly requestedAttributes: readonly string[];
  readonly consentText: string | null;
}

/** Where a run is, for screens that draw each step their own way (and in their own language). */
export type TerminalStep = 'insert-card' | 'reading-card' | 'pin-format-invalid' | 'wrong-pin' | 'signing' | 'sending' | 'retrying';

/** The terminal's screen (port). Never receives the PIN. */
export interface TerminalDisplay {
  /** A status line: "Insert your card", "Reading card…", "Signing…", and which step it is. */
  status(text: string, step?: TerminalStep): void;
  /** The transaction and consent the citizen approves by typing the PIN. */
  showTransaction(view: TransactionView): void;
  /** The final outcome, as words for the citizen. */
  showOutcome(outcome: TerminalOutcome, message: string): void;
}
