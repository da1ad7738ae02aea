// Value types of card + PIN authentication (DESIGN.md flow 2). Identifiers are
// branded so an RP id cannot be passed where a terminal id is meant.
import type { IssuedChallenge } from './create-challenge.js';
import type { CurrencyCode } from './currencies.js';
import type { ProgressHint } from './progress-hints.js';

export type RpId = string & { readonly __brand: 'RpId' };
export type TerminalId = string & { readonly __brand: 'TerminalId' };
export type ChallengeId = string & { readonly __brand: 'ChallengeId' };

export const RP_ID = /^rp_[A-Za-z0-9_-]{4,40}$/;
export const TERMINAL_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
export const CHALLENGE_ID = /^ch_[A-Za-z0-9_-]{22}$/;

export const isRpId = (s: string): s is RpId => RP_ID.test(s);
export const isTerminalId = (s: string): s is TerminalId => TERMINAL_ID.test(s);
export const isChallengeId = (s: string): s is ChallengeId => CHALLENGE_ID.test(s);

/** What the citizen sees on the terminal and the card's signature covers. */
export interface Transaction {
  /** Decimal string, e.g. "25000.00" (never a float). */
  readonly amount: string;
  readonly currency: CurrencyCode;
  readonly payee: string;
  readonly reference?: string;
}

/** Citizen attributes an RP may be allowed to receive (eKYC). */
export const ekycAttributes = ['givenName', 'surname', 'birthDate', 'nationalId', 'country'] as const;
export type EkycAttribute = (typeof ekycAttributes)[number];

/** The server's own record of a challenge (Redis value, JSON). */
export interface ChallengeRecord {
  readonly v: 1;
  readonly id: ChallengeId;
  readonly rpId: RpId;
  readonly terminalId: TerminalId;
  /** base64url of the 32 random bytes. */
  readonly nonce: string;
  readonly transaction: Transaction | null;
  readonly requestedAttributes: readonly EkycAttribute[];
  readonly consentText: string | null;
  /** ms since epoch */
  readonly createdAt: number;
  readonly expiresAt: number;
  /**
   * base64 of the signing input's preimage (signing-input.ts), computed from
   * the fields above when the challenge was made, so the response path need
   * not rebuild it. Absent in records written before it existed.
   */
  readonly preimage?: string;
}

/** Where a challenge stands, for GET /v1/auth/challenges/{id}. */
export type ChallengeState =
  | { readonly status: 'pending'; readonly expiresAt: Date; readonly hint?: ProgressHint; readonly challenge?: IssuedChallenge }
  | { readonly status: 'completed'; readonly result: string; readonly claims: ResultClaims }
  | { readonly status: 'failed'; readonly code: string; readonly hint?: ProgressHint }
  | { readonly status: 'expired' };

/** Claims of the signed result (JWS payload). */
export interface ResultClaims {
  readonly iss: string;
  readonly aud: RpId;
  readonly sub: string;
  readonly iat: number;
  readonly auth_time: number;
  readonly jti: ChallengeId;
  readonly card_serial: string | null;
  readonly cert_serial: string;
  readonly cert_sha256: string;
  readonly terminal_id: TerminalId;
  /** hex SHA-256 of the canonical transaction JSON, or null without one. */
  readonly txn_hash: string | null;
  readonly txn: Transaction | null;
  readonly pinVerified: 'on-card';
  /** As the terminal reported it (informative; the signature, not this, proves the PIN). */
  readonly tries_left?: number;
  readonly attributes?: Partial<Record<EkycAttribute, string>>;
  /** Present (true) only in results of a sandbox service: test material, never evidence. */
  readonly sandbox?: true;
}
