// Check 2 — consume the request atomically first (GETDEL; with the caller's
// rate limits, one Lua step that counts and takes only within the limits):
// of concurrent submissions exactly one proceeds. When nothing is there the
// marker tells expired from used from never issued; another RP's id, or
// another terminal's for a terminal-bound credential, is not found and not
// touched (as src/auth/checks/consume-challenge.ts).
import { storeCall } from '../../../auth/lib/store-call.js';
import { signError } from '../../codes.js';
import { outcomeKey, requestKey, requestMetaKey, visibleTo, type RequestMeta } from '../store-keys.js';
import type { SignRequestRecord } from '../types.js';
import type { SignCheck } from './context.js';

export const consumeRequest: SignCheck = {
  name: 'consume-request',
  async run(ctx) {
    const { store } = ctx.deps;
    const { rpId, admission, terminal } = ctx.caller;
    const key = requestKey(rpId, ctx.requestId);
    if (terminal !== undefined) {
      const metaRaw = await storeCall('read sign request marker', () => store.get(requestMetaKey(rpId, ctx.requestId)));
      const meta = metaRaw === null ? undefined : (JSON.parse(metaRaw) as RequestMeta);
      if (meta !== undefined && !visibleTo(meta, rpId, terminal)) throw signError('sign_request_not_found', 'No such sign request.');
    }
    let raw: string | null;
    if (admission === undefined) {
      raw = await storeCall('take sign request', () => store.take(key));
    } else {
      const r = await storeCall('count and take sign request', () => store.hitThenTake(admission.counters, key));
      admission.admit(r.hits);
      if (r.hits.some((h, i) => h.count > admission.counters[i]!.limit)) throw new Error('admission let through a request over its limit');
      raw = r.value;
    }
    if (raw !== null) {
      ctx.request = JSON.parse(raw) as SignRequestRecord;
      return;
    }
    const [metaRaw, outcome] = await storeCall('explain missing sign request', () =>
      Promise.all([store.get(requestMetaKey(rpId, ctx.requestId)), store.get(outcomeKey(rpId, ctx.requestId))]),
    );
    const meta = metaRaw === null ? undefined : (JSON.parse(metaRaw) as RequestMeta);
    if (!visibleTo(meta, rpId, terminal)) throw signError('sign_request_not_found', 'No such sign request.');
    if (outcome === null && ctx.now.getTime() >= meta.expiresAt) throw signError('sign_request_expired', 'The sign request has expired; ask for a new one.');
    throw signError('sign_request_used', 'The sign request was already used; ask for a new one.');
  },
};
