// The terminal's side of the sign-request API: read a pending request by id
// (GET /v1/sign/requests/{id}) and send the card's signature
// (POST …/response), again after a pause while the service cannot decide
// (503: the request is put back on the server), without a new PIN. A resend
// answered sign_request_used may mean an earlier send completed and only the
// answer was lost: the request's state then holds the signed containers.
import { callServer, type ServerConfig } from '../server/http.js';
import { terminalError } from '../codes.js';
import { parseSignRequest } from './parse-sign-request.js';
import type { TerminalSignRequest } from './types.js';

export type FetchSignRequestResult =
  | { readonly ok: true; readonly request: TerminalSignRequest }
  | { readonly ok: false; readonly kind: 'refused'; readonly status: number; readonly code: string; readonly title: string }
  | { readonly ok: false; readonly kind: 'unavailable'; readonly detail: string };

export async function fetchSignRequest(config: ServerConfig, id: string): Promise<FetchSignRequestResult> {
  if (!/^sr_[A-Za-z0-9_-]{1,64}$/.test(id)) throw terminalError('challenge_invalid', 'A sign request id looks like sr_…');
  const a = await callServer(config, 'GET', `/v1/sign/requests/${encodeURIComponent(id)}`);
  if (a.kind !== 'ok') return { ok: false, ...a };
  const unverified = a.body as { status?: unknown; code?: unknown; request?: unknown };
  if (unverified.status === 'completed') return { ok: false, kind: 'refused', status: 409, code: 'sign_request_used', title: 'The sign request was already used' };
  if (unverified.status === 'expired') return { ok: false, kind: 'refused', status: 410, code: 'sign_request_expired', title: 'The sign request has expired' };
  if (unverified.status === 'failed') {
    const code = typeof unverified.code === 'string' ? unverified.code.slice(0, 64) : 'sign_request_used';
    return { ok: false, kind: 'refused', status: 409, code, title: 'The sign request already failed' };
  }
  if (unverified.status !== 'pending' || unverified.request === undefined) throw terminalError('challenge_invalid', 'The server did not return a pending sign request.');
  const request = parseSignRequest(unverified.request);
  if (request.id !== id) throw terminalError('challenge_invalid', 'The server returned another sign request than the one asked for.');
  return { ok: true, request };
}

export type SubmitSignatureResult =
  | { readonly ok: true; readonly level: string; readonly cms: string; readonly pdf?: string | undefined }
  | { readonly ok: false; readonly kind: 'refused'; readonly status: number; readonly code: string; readonly title: string }
  | { readonly ok: false; readonly kind: 'unavailable'; readonly detail: string };

function signedOf(body: unknown): SubmitSignatureResult | undefined {
  const b = body as { cms?: unknown; pdf?: unknown; level?: unknown };
  if (typeof b.cms !== 'string' || typeof b.level !== 'string') return undefined;
  return { ok: true, level: b.level, cms: b.cms, ...(typeof b.pdf === 'string' ? { pdf: b.pdf } : {}) };
}

async function submitOnce(config: ServerConfig, id: string, body: Record<string, unknown>): Promise<SubmitSignatureResult> {
  const a = await callServer(config, 'POST', `/v1/sign/requests/${encodeURIComponent(id)}/response`, body);
  if (a.kind !== 'ok') return { ok: false, ...a };
  return signedOf(a.body) ?? { ok: false, kind: 'unavailable', detail: 'the server answered 200 without a signature' };
}

export async function deliverSignature(
  config: ServerConfig,
  submission: { readonly requestId: string; readonly terminalId: string; readonly certificate: Uint8Array; readonly signature: Uint8Array },
  opts: { readonly retryDelaysMs?: readonly number[]; readonly onRetry?: (attempt: number) => void } = {},
): Promise<SubmitSignatureResult> {
  const body = {
    terminalId: submission.terminalId,
    certificate: Buffer.from(submission.certificate).toString('base64'),
    signature: Buffer.from(submission.signature).toString('base64'),
  };
  const delays = opts.retryDelaysMs ?? [500, 1000, 2000];
  let sent = await submitOnce(config, submission.requestId, body);
  for (let attempt = 1; !sent.ok && sent.kind === 'unavailable' && attempt <= delays.length; attempt++) {
    opts.onRetry?.(attempt);
    await new Promise((r) => setTimeout(r, delays[attempt - 1]!));
    sent = await submitOnce(config, submission.requestId, body);
    if (!sent.ok && sent.kind === 'refused' && sent.code === 'sign_request_used') {
      const s = await callServer(config, 'GET', `/v1/sign/requests/${encodeURIComponent(submission.requestId)}`);
      const earlier = s.kind === 'ok' && (s.body as { status?: unknown }).status === 'completed' ? signedOf(s.body) : undefined;
      return earlier ?? sent;
    }
  }
  return sent;
}
