// Tell the RP back end what the citizen is doing at this terminal
// (POST /v1/auth/challenges/{id}/progress, shown to the RP as `hint`), and
// end a challenge the citizen abandoned here (DELETE, so the RP reads
// `failed` with the hint saying why instead of waiting for the expiry).
// Both are courtesy to the RP: a failure is returned, never thrown, and the
// citizen's run goes on whatever they answer.
import type { ProgressHintCode } from '../../auth/progress-hint-codes.js';
import { callServer, type ServerAnswer, type ServerConfig } from './http.js';

export type ReportableHint = Exclude<ProgressHintCode, 'waiting_for_terminal'>;

/** Short: a report that cannot get through in this time is not worth holding the screen for. */
const REPORT_TIMEOUT_MS = 5_000;

export function reportProgress(config: ServerConfig, challengeId: string, hint: ReportableHint): Promise<ServerAnswer> {
  return callServer(config, 'POST', `/v1/auth/challenges/${encodeURIComponent(challengeId)}/progress`, { hint }, { timeoutMs: REPORT_TIMEOUT_MS });
}

export function abandonChallenge(config: ServerConfig, challengeId: string): Promise<ServerAnswer> {
  return callServer(config, 'DELETE', `/v1/auth/challenges/${encodeURIComponent(challengeId)}`, undefined, { timeoutMs: REPORT_TIMEOUT_MS });
}

/** GET the challenge's status ('pending', 'failed', …) and failure code, or undefined when the server did not say. */
export async function challengeStatus(config: ServerConfig, challengeId: string, signal?: AbortSignal): Promise<{ status: string; code?: string } | undefined> {
  const a = await callServer(config, 'GET', `/v1/auth/challenges/${encodeURIComponent(challengeId)}`, undefined, {
    timeoutMs: REPORT_TIMEOUT_MS,
    ...(signal === undefined ? {} : { signal }),
  });
  if (a.kind === 'refused') return { status: 'failed', code: a.code };
  if (a.kind !== 'ok') return undefined;
  const unverified = a.body as { status?: unknown; code?: unknown };
  if (typeof unverified.status !== 'string') return undefined;
  return { status: unverified.status, ...(typeof unverified.code === 'string' ? { code: unverified.code.slice(0, 64) } : {}) };
}
