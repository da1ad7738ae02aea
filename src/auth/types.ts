// Domain values of card + PIN authentication that never cross the wire as
// such: the service's own record of a challenge and where a challenge
// stands. The wire types are in wire.ts, the RP and terminal ids in
// ../rp/ids.ts.
import type { EkycAttribute, RpId, TerminalId } from '../rp/ids.js';
import type { ChallengeId, IssuedChallenge, ResultClaims, Transaction } from './wire.js';
import type { ProgressHint } from './progress-hint-codes.js';

/** The server's own record of a challenge (the store's value, JSON). */
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
  /** The result carries the evidence (checks/evidence.ts). Absent: it does not. */
  readonly evidence?: true;
}

/** Where a challenge stands, for GET /v1/auth/challenges/{id}. */
export type ChallengeState =
  | { readonly status: 'pending'; readonly expiresAt: Date; readonly hint?: ProgressHint; readonly challenge?: IssuedChallenge }
  | { readonly status: 'completed'; readonly result: string; readonly claims: ResultClaims }
  | { readonly status: 'failed'; readonly code: string; readonly hint?: ProgressHint }
  | { readonly status: 'expired' };
