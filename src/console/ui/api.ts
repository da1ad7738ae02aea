// The console speaks the documented API (/v1/…) like any client, with the
// session cookie the browser holds (HttpOnly: never readable here) and the
// session's CSRF token on every request that may change something. The CSRF
// token lives in this module's memory only: never in storage, never in a URL.
// A request refused because the session has ended sends the browser to the
// sign-in page, which comes back here afterwards.
export interface Problem {
  readonly code: string;
  readonly title?: string;
  readonly detail?: string;
  readonly status?: number;
  readonly field?: string;
  readonly issues?: ReadonlyArray<{ readonly path: string; readonly message: string }>;
  readonly [k: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problem: Problem | undefined,
  ) {
    super(message);
  }
  /** The request field the problem names, if any (first segment of the path). */
  get field(): string | undefined {
    const p = this.problem;
    if (typeof p?.field === 'string') return p.field;
    const path = p?.issues?.[0]?.path;
    return path ? path.split('.')[0] : undefined;
  }
}

let csrfToken: string | undefined;
let lastCall = 0;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** When the console last talked to the API (ms since the epoch). */
export function lastApiCall(): number {
  return lastCall;
}

const SESSION_ENDED = new Set(['staff_session_invalid', 'staff_session_required']);

/** The current page, as the sign-in page's `next`. */
export function here(): string {
  return location.pathname + location.search;
}

export function signInUrl(reason: string, next = here()): string {
  const q = new URLSearchParams({ reason });
  if (next.startsWith('/console/') && !next.startsWith('/console/signin')) q.set('next', next);
  return `/console/signin?${q.toString()}`;
}

export async function api<T = unknown>(method: string, path: string, body?: unknown, opts: { readonly sessionCheck?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken !== undefined) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network', 'The service could not be reached. Check the connection and try again.', undefined);
  }
  lastCall = Date.now();
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const p = json !== null && typeof json === 'object' && typeof (json as Problem).code === 'string' ? (json as Problem) : undefined;
    const code = p?.code ?? `http_${res.status}`;
    if (res.status === 401 && SESSION_ENDED.has(code) && opts.sessionCheck !== false) {
      location.assign(signInUrl('expired'));
    }
    throw new ApiError(res.status, code, p?.detail ?? p?.title ?? `The service answered ${res.status}.`, p);
  }
  return json as T;
}

/** GET that answers undefined for 404 (an API that this service does not have, or a record that does not exist). */
export async function apiOptional<T>(path: string): Promise<T | undefined> {
  try {
    return await api<T>('GET', path);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}
