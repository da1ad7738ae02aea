// Value types and ports of the terminal client (DESIGN.md flow 2, terminal
// line: SELECT PIV → read certificate 9A → show amount/payee → PIN pad →
// VERIFY → GENERAL AUTHENTICATE 9A over the signing input → post the response).
import type { Transaction } from '../auth/signing-input.js';

/**
 * A challenge as the server hands it to a terminal (the body of
 * POST /v1/auth/challenges). Parsed for structure by parseChallenge; its
 * signing input is only trusted once checkSigningInput rebuilt it from the
 * fields the terminal shows.
 */
export interface TerminalChallenge {
  readonly id: string;
  /** base64url of the 32 random bytes. */
  readonly nonce: string;
  readonly expiresAt: string;
  readonly rpId: string;
  readonly terminalId: string;
  readonly transaction: Transaction | null;
  readonly requestedAttributes: readonly string[];
  readonly consentText: string | null;
  readonly signingInput: {
    readonly algorithm: 'SHA-256';
    readonly domain: string;
    readonly transactionCanonical: string;
    readonly rpIdSha256: string;
    readonly nonceSha256: string;
    readonly terminalIdSha256: string;
    readonly transactionSha256: string;
    /** hex of the 32 bytes the card signs */
    readonly input: string;
  };
}

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

/**
 * The PIN pad (port). Returns the PIN as ASCII bytes that the caller zeroes
 * after use, or null when the citizen cancelled or no more input will come.
 */
export interface PinPad {
  readPin(request: {
    readonly prompt: string;
    readonly triesLeft: number | undefined;
    /** Aborted when the entry is moot (the card was pulled out): the pad answers null at once. */
    readonly signal?: AbortSignal;
  }): Promise<Uint8Array | null>;
}
