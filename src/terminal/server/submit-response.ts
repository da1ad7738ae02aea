// POST /v1/auth/challenges/{id}/response (src/auth/README.md): the card's 9A
// certificate and signature, base64 DER, the terminal id, and the PIN tries
// left the terminal saw before the successful VERIFY. The server rebuilds the
// signing input from its own record and answers the signed result.
import type { ServerConfig } from './http.js';
import { callServer } from './http.js';

export type SubmitResponseResult =
  | { readonly ok: true; readonly result: string; readonly claims: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly kind: 'refused'; readonly status: number; readonly code: string; readonly title: string }
  | { readonly ok: false; readonly kind: 'unavailable'; readonly detail: string };

export async function submitResponse(
  config: ServerConfig,
  submission: {
    readonly challengeId: string;
    readonly terminalId: string;
    readonly certificate: Uint8Array;
    readonly signature: Uint8Array;
    readonly triesLeft?: number | undefined;
  },
): Promise<SubmitResponseResult> {
  const a = await callServer(config, 'POST', `/v1/auth/challenges/${encodeURIComponent(submission.challengeId)}/response`, {
    terminalId: submission.terminalId,
    certificate: Buffer.from(submission.certificate).toString('base64'),
    signature: Buffer.from(submission.signature).toString('base64'),
    ...(submission.triesLeft === undefined ? {} : { triesLeft: submission.triesLeft }),
  });
  if (a.kind !== 'ok') return { ok: false, ...a };
  const unverified = a.body as { result?: unknown; claims?: unknown };
  if (typeof unverified.result !== 'string' || typeof unverified.claims !== 'object' || unverified.claims === null) {
    return { ok: false, kind: 'unavailable', detail: 'the server answered 200 without a signed result' };
  }
  return { ok: true, result: unverified.result, claims: unverified.claims as Record<string, unknown> };
}
