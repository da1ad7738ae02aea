// Key names in the ephemeral store. `ch:` is the challenge itself (consumed
// with GETDEL), `chm:` a small marker that outlives it so a late caller can be
// told "expired" or "used" instead of "not found", `cho:` the outcome.
import type { ChallengeId } from '../types.js';

export const challengeKey = (id: ChallengeId) => `auth:ch:${id}`;
export const challengeMetaKey = (id: ChallengeId) => `auth:chm:${id}`;
export const outcomeKey = (id: ChallengeId) => `auth:cho:${id}`;
export const rpRateKey = (rpId: string) => `rl:rp:${rpId}`;
export const terminalRateKey = (rpId: string, terminalId: string) => `rl:t:${rpId}:${terminalId}`;

/** The marker kept beside a challenge. */
export interface ChallengeMeta {
  readonly rpId: string;
  readonly expiresAt: number;
}

/** The stored outcome of a consumed challenge. */
export type StoredOutcome =
  /** `claims` only in outcomes stored before the JWS payload was the one copy. */
  | { readonly status: 'completed'; readonly result: string; readonly claims?: unknown }
  | { readonly status: 'failed'; readonly code: string };
