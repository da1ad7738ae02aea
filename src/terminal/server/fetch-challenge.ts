// Read a pending challenge as its terminal needs it (the terminal side of
// `cardauth terminal --challenge <id>`): GET /v1/auth/challenges/{id} with the
// RP's credential. For a pending challenge the server adds `challenge`, the
// same object POST /v1/auth/challenges returned (nonce, transaction, consent
// text, signing input and its parts). A challenge that is no longer pending
// ends the run with a code the operator can act on.
import { terminalError } from '../codes.js';
import { parseChallenge } from '../parse-challenge.js';
import type { IssuedChallenge } from '../../auth/wire.js';
import { callServer, type ServerConfig } from './http.js';

export type FetchChallengeResult =
  | { readonly ok: true; readonly challenge: IssuedChallenge }
  | { readonly ok: false; readonly kind: 'refused'; readonly status: number; readonly code: string; readonly title: string }
  | { readonly ok: false; readonly kind: 'unavailable'; readonly detail: string };

/** Public codes for a challenge that is not pending any more (src/auth/codes.ts). */
const notPending = {
  completed: { code: 'challenge_used', status: 409, title: 'The challenge was already used' },
  expired: { code: 'challenge_expired', status: 410, title: 'The challenge has expired' },
} as const;

export async function fetchChallenge(config: ServerConfig, id: string): Promise<FetchChallengeResult> {
  if (!/^ch_[A-Za-z0-9_-]{1,64}$/.test(id)) throw terminalError('challenge_invalid', 'A challenge id looks like ch_…');
  const a = await callServer(config, 'GET', `/v1/auth/challenges/${encodeURIComponent(id)}`);
  if (a.kind !== 'ok') return { ok: false, ...a };
  const unverified = a.body as { status?: unknown; code?: unknown; challenge?: unknown };
  if (unverified.status === 'completed' || unverified.status === 'expired') return { ok: false, kind: 'refused', ...notPending[unverified.status] };
  if (unverified.status === 'failed') {
    const code = typeof unverified.code === 'string' ? unverified.code.slice(0, 64) : 'challenge_used';
    return { ok: false, kind: 'refused', status: 409, code, title: 'The challenge already failed' };
  }
  if (unverified.status !== 'pending') throw terminalError('challenge_invalid', 'The server answered with an unknown challenge status.');
  if (unverified.challenge === undefined) {
    throw terminalError('challenge_invalid', 'The server did not return the challenge details a terminal needs (nonce, transaction, signing input).');
  }
  const challenge = parseChallenge(unverified.challenge);
  if (challenge.id !== id) throw terminalError('challenge_invalid', 'The server returned another challenge than the one asked for.');
  return { ok: true, challenge };
}
