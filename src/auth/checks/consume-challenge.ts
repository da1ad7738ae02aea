// Check 4 — consume the challenge atomically before anything is decided: GETDEL in the
// store, so of two concurrent submissions of the same response exactly one
// proceeds, whatever happens after. When nothing is there, the marker kept
// and outcome kept beside the challenge tell cancelled, used, expired and
// never-issued apart (lib/explain-missing-challenge.ts). The keys
// carry the caller's RP (lib/store-keys.ts), so another RP's challenge id is
// not even looked at: nothing is consumed, and the answer is not found, as
// for an id never issued (no oracle for ids, nothing burnt). With the
// caller's rate account (ResponseCaller.rate) the counting and the GETDEL
// are one atomic store step, and a refused request consumes nothing.
import { authError } from '../codes.js';
import { missingChallengeError } from '../lib/explain-missing-challenge.js';
import { challengeKey, challengeMetaKey, outcomeKey, visibleTo, type ChallengeMeta } from '../lib/store-keys.js';
import { storeCall } from '../lib/store-call.js';
import type { ChallengeRecord } from '../types.js';
import { consumeAdmission } from '../../rp/admission.js';
import type { Bounded, ResponseCheck } from './context.js';

export const consumeChallenge: ResponseCheck<Bounded, { challenge: ChallengeRecord }> = {
  name: 'consume-challenge',
  async run(ctx) {
    const { store } = ctx.deps;
    const { caller } = ctx;
    const rpId = caller.rp.id;
    const key = challengeKey(rpId, ctx.challengeId);
    // A terminal-bound credential may not consume (burn) another terminal's
    // challenge by its id: its marker is read first, and another terminal's
    // challenge is not found, untouched. One more round trip, for such
    // credentials only.
    if (caller.terminal !== undefined) {
      const metaRaw = await storeCall('read challenge marker', () => store.get(challengeMetaKey(rpId, ctx.challengeId)));
      const meta = metaRaw === null ? undefined : (JSON.parse(metaRaw) as ChallengeMeta);
      if (meta !== undefined && !visibleTo(meta, rpId, caller.terminal)) throw authError('challenge_not_found', 'No such challenge.');
    }
    let raw: string | null;
    if (caller.rate === undefined) {
      raw = await storeCall('take challenge', () => store.take(key));
    } else {
      const admission = consumeAdmission({ rp: caller.rp, rate: caller.rate }, ctx.unverified.terminalId);
      const r = await storeCall('count and take challenge', () => store.hitThenTake(admission.counters, key));
      admission.admit(r.hits); // throws when a limit refuses (the store took nothing then)
      if (r.hits.some((h, i) => h.count > admission.counters[i]!.limit)) throw new Error('admission let through a request over its limit');
      raw = r.value;
    }
    if (raw !== null) return { challenge: JSON.parse(raw) as ChallengeRecord };
    const [metaRaw, outcome] = await storeCall('explain missing challenge', () =>
      Promise.all([store.get(challengeMetaKey(rpId, ctx.challengeId)), store.get(outcomeKey(rpId, ctx.challengeId))]),
    );
    const meta = metaRaw === null ? undefined : (JSON.parse(metaRaw) as ChallengeMeta);
    // The rpId comparison is a second line: the key already named this RP.
    if (!visibleTo(meta, rpId, caller.terminal)) throw authError('challenge_not_found', 'No such challenge.');
    throw missingChallengeError(meta, outcome, ctx.now.getTime());
  },
};
