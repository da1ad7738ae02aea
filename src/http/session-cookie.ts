// The staff console's session cookie and its CSRF token (OWASP Session
// Management and CSRF Prevention cheat sheets).
//
// A browser never holds the bearer token where page script could read it:
// POST /v1/staff/login with `"session": "cookie"` puts the session token in
// an HttpOnly, SameSite=Strict cookie (Secure when the service is reached
// over TLS) and answers the CSRF token instead. Every staff route accepts the
// cookie as well as `Authorization: Bearer`; a request authenticated by the
// cookie that may change something (any method but GET and HEAD) must carry
// the CSRF token in `X-CSRF-Token` and, when the browser names its Origin,
// come from this origin. SameSite=Strict alone is not enough: it does not
// cover same-site subdomains, older browsers, or a top-level GET that
// changes nothing but leads on.
//
// The CSRF token is a synchronizer token bound to the session without being
// stored: SHA-256 over a label and the session token. Whoever holds the
// cookie can derive it, nobody else can (the token is 32 random bytes), and
// the CSRF token does not reveal the session token.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'cardauth_session';

/** The session token the browser sent in its cookie, if any. */
export function sessionCookieToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string' || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return /^[!-~]{1,200}$/.test(value) ? value : undefined;
  }
  return undefined;
}

/** Is this request on TLS (directly, or as the configured public base URL says)? */
export function overTls(req: IncomingMessage, baseUrl: string | undefined): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true || (baseUrl ?? '').startsWith('https:');
}

function attributes(secure: boolean): string {
  return `Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** Set-Cookie for a new session: a session cookie (no Max-Age), ended by the server's idle and absolute limits. */
export function setSessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; ${attributes(secure)}`;
}

/** Set-Cookie that removes the session cookie. */
export function clearSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; ${attributes(secure)}; Max-Age=0`;
}

export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update('cardauth console csrf\0', 'utf8').update(sessionToken, 'utf8').digest('base64url');
}

/** Does the request's X-CSRF-Token match the session's? (constant time) */
export function csrfTokenMatches(req: IncomingMessage, sessionToken: string): boolean {
  const given = req.headers['x-csrf-token'];
  if (typeof given !== 'string' || given.length > 100) return false;
  const want = Buffer.from(csrfTokenFor(sessionToken), 'utf8');
  const got = Buffer.from(given, 'utf8');
  return got.length === want.length && timingSafeEqual(got, want);
}

/** False when the browser says the request comes from another origin (Origin, else Sec-Fetch-Site). */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (typeof origin === 'string') {
    if (origin === 'null') return false;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }
  const site = req.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}

/** Methods that change nothing and so need no CSRF token. */
export function isSafeMethod(method: string | undefined): boolean {
  return method === 'GET' || method === 'HEAD';
}
