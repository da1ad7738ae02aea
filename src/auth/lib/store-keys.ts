// Key names in the ephemeral store. `ch:` is the challenge itself (consumed
// with GETDEL), `chm:` a small marker that outlives it so a late caller can be
// told "expired" or "used" instead of "not found", `cho:` the outcome.
//
// The owning RP is part of every challenge key (issue 5, "a response for
// another RP's challenge"): a caller can only ever name its own challenges,
// so the atomic consume IS the ownership check — another RP's lookup of an id
// finds nothing, consumes nothing and is answered not found, exactly as an id
// never issued. RpId and ChallengeId have no ':' (types.ts), so the key is
// unambiguous.
import type { ChallengeId, RpId } from '../types.js';

export const challengeKey = (rpId: RpId, id: ChallengeId) => `auth:ch:${rpId}:${id}`;
export const challengeMetaKey = (rpId: RpId, id: ChallengeId) => `auth:chm:${rpId}:${id}`;
export const outcomeKey = (rpId: RpId, id: ChallengeId) => `auth:cho:${rpId}:${id}`;
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
