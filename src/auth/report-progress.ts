// POST /v1/auth/challenges/{id}/progress: the terminal says what the citizen
// is doing (progress-hint-codes.ts); the RP reads it as `hint` in
// GET /v1/auth/challenges/{id}.
import { authError } from './codes.js';
import type { AuthDeps } from './deps.js';
import { challengeMetaKey, outcomeKey, visibleTo, type ChallengeMeta } from './lib/store-keys.js';
import { storeCall } from './lib/store-call.js';
import { challengeHintKey } from './lib/terminal-store-keys.js';
import type { ProgressHintCode } from './progress-hint-codes.js';
import type { ChallengeId } from './wire.js';
import type { RpId, TerminalId } from '../rp/ids.js';

/**
 * Record the terminal's report on one of its challenges: visible to it
 * (its RP's and its terminal's, else challenge_not_found), still pending
 * (challenge_used after an outcome, challenge_expired after its expiry).
 */
export async function reportProgress(
  deps: AuthDeps,
  caller: { readonly rpId: RpId; readonly terminal: TerminalId },
  id: ChallengeId,
  code: ProgressHintCode,
): Promise<void> {
  const [metaRaw, outcome] = await storeCall('read challenge marker', () =>
    Promise.all([deps.store.get(challengeMetaKey(caller.rpId, id)), deps.store.get(outcomeKey(caller.rpId, id))]),
  );
  const meta = metaRaw === null ? undefined : (JSON.parse(metaRaw) as ChallengeMeta);
  if (!visibleTo(meta, caller.rpId, caller.terminal)) throw authError('challenge_not_found', 'No such challenge.');
  if (outcome !== null) throw authError('challenge_used', 'The challenge has already ended.');
  const left = meta.expiresAt - deps.clock.now().getTime();
  if (left <= 0) throw authError('challenge_expired', 'The challenge has expired.');
  // Readable as long as the challenge's outcome is (a cancellation that follows keeps it company).
  const ttlMs = left + (deps.outcomeTtlSeconds ?? 900) * 1000;
  await storeCall('store progress hint', () => deps.store.set(challengeHintKey(caller.rpId, id), code, ttlMs));
}
