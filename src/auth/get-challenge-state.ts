// GET /v1/auth/challenges/{id}: pending, completed (with the signed result),
// failed (with the public code) or expired; while pending also the challenge
// itself, so a terminal given only the id can show and sign it — for an RP back end whose
// terminal talks to cardauth directly. Another RP's challenge is not found:
// every key read names the caller's RP (lib/store-keys.ts); for a
// terminal-bound credential, so is another terminal's. Pending and failed
// states carry the terminal's last progress hint (progress-hints.ts).
import { authError } from './codes.js';
import type { AuthDeps } from './deps.js';
import { presentChallenge } from './create-challenge.js';
import { challengeKey, challengeMetaKey, outcomeKey, visibleTo, type ChallengeMeta, type StoredOutcome } from './lib/store-keys.js';
import { storeCall } from './lib/store-call.js';
import { challengeHintKey } from './lib/terminal-store-keys.js';
import { parseStoredHint, progressHint } from './progress-hint-codes.js';
import type { ChallengeId, ResultClaims } from './wire.js';
import type { ChallengeRecord, ChallengeState } from './types.js';
import type { RpId } from '../rp/ids.js';

export async function getChallengeState(deps: AuthDeps, rpId: RpId, id: ChallengeId, terminal?: string): Promise<ChallengeState> {
  const [metaRaw, outcomeRaw, recordRaw, hintRaw] = await storeCall('read challenge state', () =>
    Promise.all([
      deps.store.get(challengeMetaKey(rpId, id)),
      deps.store.get(outcomeKey(rpId, id)),
      deps.store.get(challengeKey(rpId, id)),
      deps.store.get(challengeHintKey(rpId, id)),
    ]),
  );
  // What the terminal last reported (progress-hints.ts).
  const hint = parseStoredHint(hintRaw);
  const meta = metaRaw === null ? undefined : (JSON.parse(metaRaw) as ChallengeMeta);
  if (!visibleTo(meta, rpId, terminal)) throw authError('challenge_not_found', 'No such challenge.');
  if (outcomeRaw !== null) {
    const o = JSON.parse(outcomeRaw) as StoredOutcome;
    if (o.status === 'failed') return { status: 'failed', code: o.code, ...(hint ? { hint } : {}) };
    // The claims are the JWS payload we signed (older outcomes also stored them beside it).
    const claims = (o.claims ?? JSON.parse(Buffer.from(o.result.split('.')[1] ?? '', 'base64url').toString('utf8'))) as ResultClaims;
    return { status: 'completed', result: o.result, claims };
  }
  const now = deps.clock.now().getTime();
  if (now >= meta.expiresAt) return { status: 'expired' };
  // Still there (with what its terminal needs to show and sign), or consumed
  // by a submission that is being checked right now.
  const record = recordRaw === null ? undefined : (JSON.parse(recordRaw) as ChallengeRecord);
  return {
    status: 'pending',
    expiresAt: new Date(meta.expiresAt),
    hint: hint ?? progressHint('waiting_for_terminal'),
    ...(record ? { challenge: presentChallenge(record) } : {}),
  };
}
