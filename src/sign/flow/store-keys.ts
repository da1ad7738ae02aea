// Key names of the sign-request flow in the ephemeral store, apart from the
// authentication challenges' (src/auth/lib/store-keys.ts): `sign:rq:` the
// request (consumed with GETDEL), `sign:rqm:` a marker that outlives it (to
// answer expired or used instead of not found, and to keep a terminal-bound
// credential to its own terminal's requests), `sign:rqo:` the outcome,
// `sign:doc:` the prepared PDF. The owning RP is in every key, so a caller
// can only ever name its own requests. RpId and SignRequestId have no ':'.
import type { RpId } from '../../rp/ids.js';
import type { SignRequestId } from './types.js';

export const requestKey = (rpId: RpId, id: SignRequestId) => `sign:rq:${rpId}:${id}`;
export const requestMetaKey = (rpId: RpId, id: SignRequestId) => `sign:rqm:${rpId}:${id}`;
export const outcomeKey = (rpId: RpId, id: SignRequestId) => `sign:rqo:${rpId}:${id}`;
export const documentKey = (rpId: RpId, id: SignRequestId) => `sign:doc:${rpId}:${id}`;

export interface RequestMeta {
  readonly rpId: string;
  readonly terminalId: string;
  readonly expiresAt: number;
}

export function visibleTo(meta: RequestMeta | undefined, rpId: string, terminal: string | undefined): meta is RequestMeta {
  return meta !== undefined && meta.rpId === rpId && (terminal === undefined || meta.terminalId === terminal);
}
