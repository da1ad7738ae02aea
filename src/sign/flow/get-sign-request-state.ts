// GET /v1/sign/requests/{id}: pending (with the request, for a terminal
// given only the id), completed (with the CMS and, for a PDF, the signed
// PDF), failed (with the public code) or expired. Another RP's request — and
// for a terminal-bound credential another terminal's — is not found.
import { storeCall } from '../../auth/lib/store-call.js';
import type { RpId } from '../../rp/ids.js';
import { signError } from '../codes.js';
import type { SignDeps } from './deps.js';
import { presentSignRequest } from './present-sign-request.js';
import { outcomeKey, requestKey, requestMetaKey, visibleTo, type RequestMeta } from './store-keys.js';
import type { SignRequestId, SignRequestRecord, SignRequestState } from './types.js';

export async function getSignRequestState(deps: SignDeps, rpId: RpId, id: SignRequestId, terminal?: string): Promise<SignRequestState> {
  const [metaRaw, outcomeRaw, recordRaw] = await storeCall('read sign request state', () =>
    Promise.all([deps.store.get(requestMetaKey(rpId, id)), deps.store.get(outcomeKey(rpId, id)), deps.store.get(requestKey(rpId, id))]),
  );
  const meta = metaRaw === null ? undefined : (JSON.parse(metaRaw) as RequestMeta);
  if (!visibleTo(meta, rpId, terminal)) throw signError('sign_request_not_found', 'No such sign request.');
  if (outcomeRaw !== null) return JSON.parse(outcomeRaw) as SignRequestState;
  if (deps.clock.now().getTime() >= meta.expiresAt) return { status: 'expired' };
  const record = recordRaw === null ? undefined : (JSON.parse(recordRaw) as SignRequestRecord);
  return { status: 'pending', expiresAt: new Date(meta.expiresAt).toISOString(), ...(record ? { request: presentSignRequest(record) } : {}) };
}
