// Staff HTTP API (/v1/staff/…):
// sign-in / sign-out / who am I / own password, staff management (admin), and
// four-eyes approval requests (list, request, approve, reject). Every route
// but login needs `Authorization: Bearer <staff session token>` or the
// console's session cookie (../session-cookie.ts: sign in with
// `"session": "cookie"`; CSRF token on every change); permissions come from
// src/access/permissions.ts. Login failures all look the same (staff_login_failed).
import { z } from 'zod';
import { approvalActions, approvalStates } from '../../registry/repos/approvals.js';
import { staffNames, staffRoles } from '../../registry/repos/staff.js';
import { can, permissions, type Permission } from '../../access/permissions.js';
import { addStaff, changeRole, listStaffAccounts, setDisabled } from '../../staff/accounts.js';
import { changeOwnPassword } from '../../staff/change-own-password.js';
import { approve, listApprovalRequests, reject, requestApproval } from '../../staff/approvals.js';
import type { StaffDeps } from '../../staff/deps.js';
import { isStaffError } from '../../staff/codes.js';
import { login } from '../../staff/login.js';
import { unlockSignIn } from '../../staff/unlock.js';
import type { StaffPrincipal } from '../../staff/principal.js';
import { staffError } from '../../staff/codes.js';
import { sessionTokenOf, staffSessionAuth } from '../staff-auth.js';
import { clearSessionCookie, csrfTokenFor, overTls, sameOrigin, setSessionCookie } from '../session-cookie.js';
import { endSession } from '../../staff/sessions.js';
import { clientAddressOf, type ClientAddressOf } from '../client-address.js';
import { defineRoute, type AnyRoute } from '../route.js';
import { text } from '../schemas/text.js';

export interface StaffRouteDeps {
  readonly staff: StaffDeps;
  /** The client's address for the per-address sign-in throttle (default: the peer; see src/http/client-address.ts). */
  readonly clientAddress?: ClientAddressOf;
  /** The public base URL: an https one makes the console's cookie Secure. */
  readonly baseUrl?: string;
}

const principal = z.object({
  staffId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(staffRoles),
  sessionId: z.string(),
});
const staffView = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(staffRoles),
  disabled: z.boolean(),
  createdAt: z.string(),
});
const approvalView = z.object({
  id: z.string(),
  action: z.enum(approvalActions),
  subject: z.string(),
  reason: z.string(),
  requestedBy: z.string(),
  decidedBy: z.string().nullable(),
  state: z.enum(approvalStates),
  createdAt: z.string(),
  expiresAt: z.string(),
  requestedByName: z.string().optional().describe('The requester\'s display name and username'),
  decidedByName: z.string().optional(),
});
const idParams = z.object({ id: z.uuid() });
const sessionMode = z
  .enum(['token', 'cookie'])
  .optional()
  .describe('token (default): the session token in the answer. cookie: for the console in a browser — the token goes into an HttpOnly cookie and the answer carries a CSRF token instead');
const cookieSession = z.object({
  expiresAt: z.string(),
  staff: principal,
  csrfToken: z.string().describe('Send as X-CSRF-Token with every request but GET and HEAD'),
  idleTimeoutSeconds: z.number().int(),
});
const tokenSession = z.object({ token: z.string(), expiresAt: z.string(), staff: principal });
const meView = principal.extend({
  permissions: z.array(z.string()).describe('What this role may do (src/access/permissions.ts); the API refuses the rest'),
  idleTimeoutSeconds: z.number().int().describe('A session ends after this long without a request'),
  csrfToken: z.string().optional().describe('Present when the request came with the console\'s session cookie'),
});
function permissionsOf(role: string): Permission[] {
  return (Object.keys(permissions) as Permission[]).filter((p) => can(role, p));
}
const problem = (description: string) => ({ description });

export function staffRoutes(deps: StaffRouteDeps): AnyRoute[] {
  const d = deps.staff;
  const session = staffSessionAuth(d);
  const addressOf = deps.clientAddress ?? clientAddressOf(undefined);
  const cookieAnswer = (r: { token: string; expiresAt: Date; principal: StaffPrincipal }): z.infer<typeof cookieSession> => ({
    expiresAt: r.expiresAt.toISOString(),
    staff: r.principal,
    csrfToken: csrfTokenFor(r.token),
    idleTimeoutSeconds: Math.floor(d.policy.sessionIdleMs / 1000),
  });
  return [
    defineRoute({
      method: 'post',
      path: '/v1/staff/login',
      operationId: 'staffLogin',
      summary: 'Sign in with username and password; returns a session token',
      tags: ['staff'],
      body: z.object({ username: text(64, { min: 1 }), password: z.string().min(1).max(1024), session: sessionMode }),
      maxBodyBytes: 4096,
      responses: {
        200: { description: 'Signed in: the token, or with `"session": "cookie"` the cookie (Set-Cookie) and a CSRF token', schema: z.union([tokenSession, cookieSession]) },
        400: problem('Malformed request'),
        401: problem('staff_login_failed'),
        403: problem('staff_csrf_failed: a cookie sign-in from another origin'),
        429: problem('staff_login_limited (Retry-After: seconds to wait)'),
        503: problem('staff_busy / unavailable'),
      },
      async handle({ body, req, res }) {
        const cookie = body.session === 'cookie';
        // A cookie sign-in from another site would sign the browser in as someone else (login CSRF).
        if (cookie && !sameOrigin(req)) throw staffError('staff_csrf_failed', 'Sign in to the console from the console');
        try {
          const r = await login(d, { username: body.username, password: body.password, address: addressOf(req) });
          if (!cookie) return { body: { token: r.token, expiresAt: r.expiresAt.toISOString(), staff: r.principal } };
          res.setHeader('Set-Cookie', setSessionCookie(r.token, overTls(req, deps.baseUrl)));
          return { body: cookieAnswer(r) };
        } catch (e) {
          if (isStaffError(e, 'staff_login_limited')) res.setHeader('Retry-After', String(e.detail?.['retryAfterSeconds'] ?? 1));
          throw e;
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/staff/logout',
      operationId: 'staffLogout',
      summary: 'End the current session',
      tags: ['staff'],
      auth: session,
      responses: { 204: { description: 'Signed out' }, 401: problem('staff_session_required / staff_session_invalid') },
      async handle({ req, res }) {
        const session = sessionTokenOf(req);
        if (session) await endSession(d, session.token);
        if (session?.via === 'cookie') res.setHeader('Set-Cookie', clearSessionCookie(overTls(req, deps.baseUrl)));
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/staff/me',
      operationId: 'staffMe',
      summary: 'The signed-in staff member',
      tags: ['staff'],
      auth: session,
      responses: { 200: { description: 'Who the session belongs to and what the role may do', schema: meView }, 401: problem('staff_session_invalid') },
      async handle({ principal: p, req }) {
        const session = sessionTokenOf(req);
        return {
          body: {
            ...p,
            permissions: permissionsOf(p.role),
            idleTimeoutSeconds: Math.floor(d.policy.sessionIdleMs / 1000),
            ...(session?.via === 'cookie' ? { csrfToken: csrfTokenFor(session.token) } : {}),
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/staff/me/password',
      operationId: 'staffChangeOwnPassword',
      summary: 'Change your own password (the current one first); every session of the account ends and a new one is opened for this caller',
      tags: ['staff'],
      auth: session,
      body: z.object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) }),
      maxBodyBytes: 4096,
      responses: {
        200: { description: 'Changed; the new session as POST /v1/staff/login answers it (in the same mode as this request came)', schema: z.union([tokenSession, cookieSession]) },
        400: problem('staff_password_weak'),
        403: problem('staff_password_wrong / staff_csrf_failed'),
        429: problem('staff_login_limited'),
      },
      async handle({ body, principal: p, req, res }) {
        const via = sessionTokenOf(req)?.via;
        const r = await changeOwnPassword(d, p, body);
        if (via !== 'cookie') return { body: { token: r.token, expiresAt: r.expiresAt.toISOString(), staff: r.principal } };
        res.setHeader('Set-Cookie', setSessionCookie(r.token, overTls(req, deps.baseUrl)));
        return { body: cookieAnswer(r) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/staff/accounts',
      operationId: 'staffList',
      summary: 'List staff accounts (admin, auditor)',
      tags: ['staff'],
      auth: session,
      responses: { 200: { description: 'Accounts', schema: z.object({ staff: z.array(staffView) }) }, 403: problem('staff_forbidden') },
      async handle({ principal: p }) {
        return { body: { staff: await listStaffAccounts(d, p) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/staff/accounts',
      operationId: 'staffAdd',
      summary: 'Add a staff account (admin)',
      tags: ['staff'],
      auth: session,
      body: z.object({
        username: text(64, { min: 1 }),
        displayName: text(100, { min: 1 }),
        role: z.enum(staffRoles),
        password: z.string().min(1).max(1024),
      }),
      maxBodyBytes: 4096,
      responses: {
        201: { description: 'Created', schema: staffView },
        400: problem('staff_invalid / staff_password_weak'),
        403: problem('staff_forbidden'),
        409: problem('staff_username_taken'),
      },
      async handle({ body, principal: p }) {
        return { status: 201, body: await addStaff(d, p, body) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/staff/accounts/:id',
      operationId: 'staffUpdate',
      summary: 'Disable / enable an account or change its role (admin); disabling ends its sessions at once',
      tags: ['staff'],
      auth: session,
      params: idParams,
      body: z.object({ disabled: z.boolean().optional(), role: z.enum(staffRoles).optional() }).refine((b) => b.disabled !== undefined || b.role !== undefined, 'give disabled or role'),
      responses: {
        200: { description: 'The account now', schema: staffView },
        403: problem('staff_forbidden'),
        404: problem('staff_not_found'),
        409: problem('staff_last_admin'),
      },
      async handle({ body, params, principal: p }) {
        let v = body.role !== undefined ? await changeRole(d, p, params.id, body.role) : undefined;
        if (body.disabled !== undefined) v = await setDisabled(d, p, params.id, body.disabled);
        return { body: v };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/staff/accounts/:id/unlock',
      operationId: 'staffUnlock',
      summary: 'Lift the sign-in throttle of an account: its lock after many failed sign-ins, or the waits before it (admin; audited)',
      tags: ['staff'],
      auth: session,
      params: idParams,
      responses: {
        200: { description: 'What was lifted', schema: z.object({ username: z.string(), failures: z.number().int(), wasLocked: z.boolean() }) },
        403: problem('staff_forbidden'),
        404: problem('staff_not_found'),
      },
      async handle({ params, principal: p }) {
        return { body: await unlockSignIn(d, p, { id: params.id }) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/staff/approvals',
      operationId: 'approvalsList',
      summary: 'Four-eyes approval requests, newest first',
      tags: ['staff'],
      auth: session,
      query: z.object({ state: z.enum(approvalStates).optional(), limit: z.coerce.number().int().min(1).max(500).optional() }),
      responses: { 200: { description: 'Requests', schema: z.object({ approvals: z.array(approvalView) }) }, 403: problem('staff_forbidden') },
      async handle({ query, principal: p }) {
        const approvals = await listApprovalRequests(d, p, query);
        const names = await staffNames(d.sql, approvals.flatMap((a) => [a.requestedBy, ...(a.decidedBy === null ? [] : [a.decidedBy])]));
        const nameOf = (id: string | null): { username: string; displayName: string } | undefined => (id === null ? undefined : names.get(id));
        const label = (n: { username: string; displayName: string }): string => `${n.displayName} (${n.username})`;
        return {
          body: {
            approvals: approvals.map((a) => {
              const by = nameOf(a.requestedBy);
              const decided = nameOf(a.decidedBy);
              return { ...a, ...(by ? { requestedByName: label(by) } : {}), ...(decided ? { decidedByName: label(decided) } : {}) };
            }),
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/staff/approvals',
      operationId: 'approvalsRequest',
      summary: 'Ask a second staff member to approve a sensitive action (pin-reset, revoke-key-compromise)',
      tags: ['staff'],
      auth: session,
      body: z.object({ action: z.enum(approvalActions), subject: text(200, { min: 1 }), reason: text(500, { multiLine: true }).optional() }),
      responses: { 201: { description: 'Pending request', schema: approvalView }, 400: problem('approval_invalid'), 403: problem('staff_forbidden') },
      async handle({ body, principal: p }) {
        return { status: 201, body: await requestApproval(d, body.action, body.subject, p, body.reason ?? '') };
      },
    }),
    ...(['approve', 'reject'] as const).map((verb) =>
      defineRoute({
        method: 'post',
        path: `/v1/staff/approvals/:id/${verb}`,
        operationId: verb === 'approve' ? 'approvalsApprove' : 'approvalsReject',
        summary: verb === 'approve' ? 'Approve a request (a supervisor other than the requester)' : 'Reject a request',
        tags: ['staff'],
        auth: session,
        params: idParams,
        responses: {
          200: { description: 'Decided', schema: approvalView },
          403: problem('approval_self / approval_forbidden'),
          404: problem('approval_not_found'),
          409: problem('approval_decided / approval_expired'),
        },
        async handle({ params, principal: p }) {
          return { body: verb === 'approve' ? await approve(d, params.id, p) : await reject(d, params.id, p) };
        },
      }),
    ),
  ];
}
