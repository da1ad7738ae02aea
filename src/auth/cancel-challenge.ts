// DELETE /v1/auth/challenges/{id}: the RP withdraws a pending challenge. It is
// consumed like a response would consume it, and its outcome is stored as
// failed with `challenge_cancelled`: GET reports that, and a response or a
// second DELETE arriving later is refused with that code
// (lib/explain-missing-challenge.ts).
// The keys name the caller's RP, so another RP's id is not found and untouched;
// so is another terminal's for a terminal-bound credential.
import { authError } from './codes.js';
import type { AuthDeps } from './deps.js';
import { CANCELLED, missingChallengeError } from './lib/explain-missing-challenge.js';
import { challengeKey, challengeMetaKey, outcomeKey, visibleTo, type ChallengeMeta, type StoredOutcome } from './lib/store-keys.js';
import { storeCall } from './lib/store-call.js';
import type { ChallengeId } from './wire.js';
import type { RpId } from '../rp/ids.js';

export { CANCELLED };

export async function cancelChallenge(deps: AuthDeps, rpId: RpId, id: ChallengeId, terminal?: string): Promise<void> {
  const metaRaw = await storeCall('read challenge marker', () => deps.store.get(challengeMetaKey(rpId, id)));
  const meta = metaRaw === null ? undefined : (JSON.parse(metaRaw) as ChallengeMeta);
  if (!visibleTo(meta, rpId, terminal)) throw authError('challenge_not_found', 'No such challenge.');
  const raw = await storeCall('take challenge', () => deps.store.take(challengeKey(rpId, id)));
  if (raw === null) {
    const outcomeRaw = await storeCall('explain missing challenge', () => deps.store.get(outcomeKey(rpId, id)));
    throw missingChallengeError(meta, outcomeRaw, deps.clock.now().getTime());
  }
  const outcome: StoredOutcome = { status: 'failed', code: CANCELLED };
  await storeCall('store outcome', () => deps.store.set(outcomeKey(rpId, id), JSON.stringify(outcome), (deps.outcomeTtlSeconds ?? 900) * 1000));
  deps.outcomeSignal?.notify(outcomeKey(rpId, id));
  deps.log.info('challenge cancelled', { challenge: id, rp: rpId });
}
