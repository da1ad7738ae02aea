// The HTTP layer's RouteAuth for staff routes (scheme staffSession):
// `Authorization: Bearer <session token>` (the CLI, stations, scripts), or
// the console's session cookie (./session-cookie.ts). A request the cookie
// authenticates that may change something must carry the session's CSRF
// token and come from this origin (staff_csrf_failed). Missing →
// staff_session_required, anything else wrong → staff_session_invalid.
// Optionally a permission.
import type { IncomingMessage } from 'node:http';
import type { RouteAuth } from './route.js';
import { staffError } from '../staff/codes.js';
import type { StaffDeps } from '../staff/deps.js';
import { requirePermission, type Permission } from '../access/permissions.js';
import type { StaffPrincipal } from '../staff/principal.js';
import { authenticateSession } from '../staff/sessions.js';
import { csrfTokenMatches, isSafeMethod, sameOrigin, sessionCookieToken } from './session-cookie.js';

export function bearerToken(req: { readonly headers: { readonly authorization?: string | undefined } }): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer ([!-~]{1,200})$/.exec(h);
  return m?.[1];
}

/** The session token of a request and how it came: the Authorization header wins over the cookie. */
export function sessionTokenOf(req: IncomingMessage): { readonly token: string; readonly via: 'bearer' | 'cookie' } | undefined {
  const bearer = bearerToken(req);
  if (bearer !== undefined) return { token: bearer, via: 'bearer' };
  const cookie = sessionCookieToken(req);
  return cookie === undefined ? undefined : { token: cookie, via: 'cookie' };
}

export function staffSessionAuth(deps: StaffDeps, permission?: Permission): RouteAuth<StaffPrincipal> {
  return {
    scheme: 'staffSession',
    alsoAccepts: ['staffCookie'],
    async authenticate(req) {
      const session = sessionTokenOf(req);
      if (session === undefined) throw staffError('staff_session_required', 'Sign in first: send Authorization: Bearer <staff session token>');
      // Checked before the session is looked up: a forged cross-site request learns nothing about it.
      if (session.via === 'cookie' && !isSafeMethod(req.method) && !(sameOrigin(req) && csrfTokenMatches(req, session.token))) {
        throw staffError('staff_csrf_failed', 'Send the X-CSRF-Token of this session from the console; requests from another origin are refused');
      }
      const p = await authenticateSession(deps, session.token);
      if (permission) requirePermission(p, permission);
      return p;
    },
  };
}
