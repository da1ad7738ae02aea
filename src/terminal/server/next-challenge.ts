// The terminal waits for its work: GET /v1/auth/terminals/{id}/next-challenge
// with its terminal-bound key (src/http/routes/terminal.ts), a long poll of
// `waitSeconds`. Answers the pending challenge made for this terminal (parsed
// for structure; its signing input is checked before anything is shown or
// signed) with the name the RP is registered under, or nothing when none
// came in time. `after` is the challenge the terminal took last: the server
// does not offer it again.
import { singleLineTextProblem } from '../../auth/display-text.js';
import { isAppError } from '../../errors/app-error.js';
import { terminalError, type TerminalCode } from '../codes.js';
import { parseChallenge } from '../parse-challenge.js';
import type { IssuedChallenge as TerminalChallenge } from '../../auth/wire.js';
import { callServer, type ServerConfig } from './http.js';

export type NextChallengeResult =
  | { readonly ok: true; readonly challenge: TerminalChallenge; readonly rpName: string }
  | { readonly ok: true; readonly challenge: undefined }
  | { readonly ok: false; readonly kind: 'refused'; readonly status: number; readonly code: string; readonly title: string }
  | { readonly ok: false; readonly kind: 'unavailable'; readonly detail: string };

const MAX_RP_NAME = 200;

export async function nextChallenge(
  config: ServerConfig,
  terminalId: string,
  opts: { readonly waitSeconds: number; readonly after?: string | undefined; readonly signal?: AbortSignal },
): Promise<NextChallengeResult> {
  const query = new URLSearchParams({ wait: String(opts.waitSeconds), ...(opts.after === undefined ? {} : { after: opts.after }) });
  const a = await callServer(config, 'GET', `/v1/auth/terminals/${encodeURIComponent(terminalId)}/next-challenge?${query}`, undefined, {
    // The server holds the call for the wait; give it that and the usual margin.
    timeoutMs: opts.waitSeconds * 1000 + 15_000,
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  });
  if (a.kind !== 'ok') return { ok: false, ...a };
  if (a.status === 204) return { ok: true, challenge: undefined };
  const unverified = a.body as { challenge?: unknown; rpName?: unknown };
  try {
    const challenge = parseChallenge(unverified.challenge);
    if (challenge.terminalId !== terminalId) throw terminalError('challenge_invalid', 'The server offered a challenge for another terminal.');
    // Shown to the citizen as "who is asking": one line of displayable text, or the challenge is refused.
    const rpName = unverified.rpName;
    if (typeof rpName !== 'string' || singleLineTextProblem(rpName, MAX_RP_NAME) !== undefined) {
      throw terminalError('challenge_not_displayable', "The relying party's name cannot be shown as it is; nothing was signed.", { detail: { field: 'rpName' } });
    }
    return { ok: true, challenge, rpName };
  } catch (e) {
    // The caller names the refused challenge to the server (and does not take it again).
    const id = (unverified.challenge as { id?: unknown } | undefined)?.id;
    if (!isAppError(e) || typeof id !== 'string' || !/^ch_[A-Za-z0-9_-]{1,64}$/.test(id)) throw e;
    throw terminalError(e.code as TerminalCode, e.message, { cause: e, detail: { ...e.detail, challengeId: id } });
  }
}
