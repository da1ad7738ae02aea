// The terminal's HTTP exchange with the authentication server (global fetch):
// the RP credential as a bearer token, a deadline on every call, a bound on
// the answer's size, and problem+json (RFC 9457) refusals turned into their
// stable `code`. Network failures, timeouts and 5xx without a usable problem
// document are "server unavailable": the terminal never guesses an outcome.
import { singleLineTextProblem } from '../../auth/display-text.js';

export interface ServerConfig {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  /** The relying party's API credential (sent as `Authorization: Bearer …`). */
  readonly credential: string;
  readonly timeoutMs?: number;
  /** For tests: a fetch other than the global one. */
  readonly fetch?: typeof fetch;
}

export type ServerAnswer =
  | { readonly kind: 'ok'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'refused'; readonly status: number; readonly code: string; readonly title: string }
  | { readonly kind: 'unavailable'; readonly detail: string };

const MAX_ANSWER_BYTES = 64 * 1024;
const MAX_TITLE = 200;

export async function callServer(
  config: ServerConfig,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  /** A long poll's own deadline, and a signal that ends the call early. */
  options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {},
): Promise<ServerAnswer> {
  const doFetch = config.fetch ?? fetch;
  const deadline = AbortSignal.timeout(options.timeoutMs ?? config.timeoutMs ?? 15_000);
  let res: Response;
  try {
    res = await doFetch(new URL(path, config.url), {
      method,
      headers: {
        authorization: `Bearer ${config.credential}`,
        accept: 'application/json, application/problem+json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: options.signal === undefined ? deadline : AbortSignal.any([deadline, options.signal]),
    });
  } catch (e) {
    return { kind: 'unavailable', detail: describeNetworkError(e) };
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    return { kind: 'unavailable', detail: describeNetworkError(e) };
  }
  if (Buffer.byteLength(text) > MAX_ANSWER_BYTES) return { kind: 'unavailable', detail: `answer of HTTP ${res.status} too large` };
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (res.ok) {
    // No content (a long poll that found nothing, a cancellation): an answer, not a fault.
    if (res.status === 204) return { kind: 'ok', status: 204, body: null };
    if (parsed === undefined) return { kind: 'unavailable', detail: `HTTP ${res.status} without a JSON body` };
    return { kind: 'ok', status: res.status, body: parsed };
  }
  const problem = parsed as { code?: unknown; title?: unknown } | undefined;
  const code = typeof problem?.code === 'string' && /^[a-z0-9_]{1,64}$/.test(problem.code) ? problem.code : undefined;
  // A 503 is the service saying it cannot decide (fail closed): unavailable, whatever its code.
  if (code === undefined || res.status === 503) return { kind: 'unavailable', detail: `HTTP ${res.status}${code ? ` ${code}` : ''}` };
  return { kind: 'refused', status: res.status, code, title: shownTitle(problem?.title, code) };
}

/**
 * The refusal's title reaches the citizen's screen (describe-outcome.ts): one
 * line of displayable text (src/auth/display-text.ts), else the code. It is
 * not signed, so replacing it changes nothing but what is shown.
 */
function shownTitle(title: unknown, code: string): string {
  if (typeof title !== 'string' || singleLineTextProblem(title, MAX_TITLE) !== undefined) return code;
  return title;
}

function describeNetworkError(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: { code?: unknown } }).cause;
    if (e.name === 'TimeoutError') return 'no answer in time';
    if (cause && typeof cause.code === 'string') return cause.code;
    return e.message.slice(0, 200);
  }
  return 'network error';
}
