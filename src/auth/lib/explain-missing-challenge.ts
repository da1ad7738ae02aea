// Why a challenge is no longer under its key, for the callers that found it
// gone (a response's consume, a DELETE): the marker and the stored outcome
// kept beside it tell the cases apart, so the answer agrees with what
// GET /v1/auth/challenges/{id} reports for the same challenge:
//   - the RP cancelled it (outcome failed with `challenge_cancelled`) →
//     challenge_cancelled;
//   - any other outcome (completed, or failed for another reason) → challenge_used;
//   - no outcome and past its expiry → challenge_expired;
//   - no outcome yet, not expired: a submission took it and is being checked
//     right now → challenge_used.
import type { AppError } from '../../errors/app-error.js';
import { authError, type AuthCode } from '../codes.js';
import type { ChallengeMeta, StoredOutcome } from './store-keys.js';

/** The outcome a DELETE stores: its code is the one the challenge then answers. */
export const CANCELLED = 'challenge_cancelled' satisfies AuthCode;

export function missingChallengeError(meta: ChallengeMeta, outcomeRaw: string | null, nowMs: number): AppError<AuthCode> {
  if (outcomeRaw !== null) {
    const outcome = JSON.parse(outcomeRaw) as StoredOutcome;
    if (outcome.status === 'failed' && outcome.code === CANCELLED) {
      return authError('challenge_cancelled', 'The relying party cancelled the challenge; ask for a new one.');
    }
    return authError('challenge_used', 'The challenge was already used; ask for a new one.');
  }
  if (nowMs >= meta.expiresAt) return authError('challenge_expired', 'The challenge has expired; ask for a new one.');
  return authError('challenge_used', 'The challenge was already used; ask for a new one.');
}
