// The HTTP layer's RouteAuth for staff routes (scheme staffSession):
// `Authorization: Bearer <session token>`. Missing → staff_session_required,
// anything else wrong → staff_session_invalid. Optionally a permission.
import type { RouteAuth } from './route.js';
import { staffError } from '../staff/codes.js';
import type { StaffDeps } from '../staff/deps.js';
import { requirePermission, type Permission } from '../access/permissions.js';
import type { StaffPrincipal } from '../staff/principal.js';
import { authenticateSession } from '../staff/sessions.js';

export function bearerToken(req: { readonly headers: { readonly authorization?: string | undefined } }): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer ([!-~]{1,200})$/.exec(h);
  return m?.[1];
}

export function staffSessionAuth(deps: StaffDeps, permission?: Permission): RouteAuth<StaffPrincipal> {
  return {
    scheme: 'staffSession',
    async authenticate(req) {
      const token = bearerToken(req);
      if (token === undefined) throw staffError('staff_session_required', 'Sign in first: send Authorization: Bearer <staff session token>');
      const p = await authenticateSession(deps, token);
      if (permission) requirePermission(p, permission);
      return p;
    },
  };
}
