// DELETE /v1/sign/requests/{id}: the RP withdraws a pending request. It is
// consumed as a signature would consume it, so a signature arriving later is
// refused as used, and its state reads failed with sign_request_cancelled.
import { storeCall } from '../../auth/lib/store-call.js';
import type { RpId } from '../../rp/ids.js';
import { signError } from '../codes.js';
import { DEFAULT_SIGN_OUTCOME_TTL_SECONDS, type SignDeps } from './deps.js';
import { documentKey, outcomeKey, requestKey, requestMetaKey, visibleTo, type RequestMeta } from './store-keys.js';
import type { SignRequestId, SignRequestState } from './types.js';

export async function cancelSignRequest(deps: SignDeps, rpId: RpId, id: SignRequestId, terminal?: string): Promise<void> {
  const metaRaw = await storeCall('read sign request marker', () => deps.store.get(requestMetaKey(rpId, id)));
  const meta = metaRaw === null ? undefined : (JSON.parse(metaRaw) as RequestMeta);
  if (!visibleTo(meta, rpId, terminal)) throw signError('sign_request_not_found', 'No such sign request.');
  const raw = await storeCall('take sign request', () => deps.store.take(requestKey(rpId, id)));
  if (raw === null) {
    if (deps.clock.now().getTime() >= meta.expiresAt) throw signError('sign_request_expired', 'The sign request has already expired.');
    throw signError('sign_request_used', 'The sign request was already used.');
  }
  const outcome: SignRequestState = { status: 'failed', code: 'sign_request_cancelled' };
  await storeCall('store sign outcome', async () => {
    await deps.store.set(outcomeKey(rpId, id), JSON.stringify(outcome), (deps.outcomeTtlSeconds ?? DEFAULT_SIGN_OUTCOME_TTL_SECONDS) * 1000);
    await deps.store.del(documentKey(rpId, id));
  });
  deps.log.info('sign request cancelled', { request: id, rp: rpId });
}
