// Value types and the screen port of signing a document at a terminal.
import type { TerminalOutcome } from '../types.js';

/** A sign request as the server hands it to a terminal (GET /v1/sign/requests/{id}), parsed for structure only. */
export interface TerminalSignRequest {
  readonly id: string;
  readonly nonce: string;
  readonly expiresAt: string;
  readonly rpId: string;
  readonly rpName: string;
  readonly terminalId: string;
  readonly title: string;
  readonly summary: string;
  readonly container: 'cades' | 'pades';
  readonly document: { readonly sha256: string; readonly pdfSha256?: string | undefined };
  readonly signingTime: string;
  readonly signingInput: { readonly domain: string; readonly canonical: string; readonly input: string };
}

/** What the citizen reads before typing the PIN. */
export interface DocumentView {
  /** Who asks: the relying party's registered name and id. */
  readonly requester: string;
  readonly title: string;
  readonly summary: string;
  /** A short fingerprint of the digest that is signed, e.g. "3f9a 12bc 77e0 5521 … 09d1". */
  readonly fingerprint: string;
}

/** The terminal's screen for signing (port). Never receives the PIN. */
export interface DocumentDisplay {
  status(text: string): void;
  showDocument(view: DocumentView): void;
  showOutcome(outcome: SignOutcome, message: string): void;
}

/** How a signing run ends: signed, or one of the ways an authentication run can fail. */
export type SignOutcome =
  | { readonly kind: 'signed'; readonly level: string; readonly cms: string; readonly pdf?: string | undefined }
  | Exclude<TerminalOutcome, { kind: 'completed' }>;
