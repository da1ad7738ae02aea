// Key names in the ephemeral store. `ch:` is the challenge itself (consumed
// with GETDEL), `chm:` a small marker that outlives it so a late caller can be
// told "expired" or "used" instead of "not found", `cho:` the outcome.
//
// The owning RP is part of every challenge key (a response for another
// RP's challenge must find nothing): a caller can only ever name its own challenges,
// so the atomic consume IS the ownership check — another RP's lookup of an id
// finds nothing, consumes nothing and is answered not found, exactly as an id
// never issued. RpId and ChallengeId have no ':' (types.ts), so the key is
// unambiguous.
import type { ChallengeId } from '../wire.js';
import type { RpId } from '../../rp/ids.js';

export const challengeKey = (rpId: RpId, id: ChallengeId) => `auth:ch:${rpId}:${id}`;
export const challengeMetaKey = (rpId: RpId, id: ChallengeId) => `auth:chm:${rpId}:${id}`;
export const outcomeKey = (rpId: RpId, id: ChallengeId) => `auth:cho:${rpId}:${id}`;

/** The marker kept beside a challenge. */
export interface ChallengeMeta {
  readonly rpId: string;
  /** The challenge's terminal (markers written before terminal-bound credentials have none). */
  readonly terminalId?: string;
  readonly expiresAt: number;
}

/**
 * Whether a caller may see a challenge by its marker: its own RP's (the key
 * already names the RP; this is the second line), and for a terminal-bound
 * credential only its own terminal's. Otherwise the challenge is "not found",
 * as an id never issued.
 */
export function visibleTo(meta: ChallengeMeta | undefined, rpId: string, terminal: string | undefined): meta is ChallengeMeta {
  return meta !== undefined && meta.rpId === rpId && (terminal === undefined || meta.terminalId === terminal);
}

/** The stored outcome of a consumed challenge. */
export type StoredOutcome =
  /** `claims` only in outcomes stored before the JWS payload was the one copy. */
  | { readonly status: 'completed'; readonly result: string; readonly claims?: unknown }
  | { readonly status: 'failed'; readonly code: string };
