// Staff HTTP API (/v1/staff/…):
// sign-in / sign-out / who am I, staff management (admin), and four-eyes
// approval requests (list, request, approve, reject). Every route but login
// needs `Authorization: Bearer <staff session token>`; permissions come from
// src/staff/permissions.ts. Login failures all look the same (staff_login_failed).
import { z } from 'zod';
import { approvalActions, approvalStates } from '../../registry/repos/approvals.js';
import { staffRoles } from '../../registry/repos/staff.js';
import { addStaff, changeRole, listStaffAccounts, setDisabled } from '../../staff/accounts.js';
import { approve, listApprovalRequests, reject, requestApproval } from '../../staff/approvals.js';
import type { StaffDeps } from '../../staff/deps.js';
import { login } from '../../staff/login.js';
import { bearerToken, staffSessionAuth } from '../staff-auth.js';
import { endSession } from '../../staff/sessions.js';
import { defineRoute, type AnyRoute } from '../route.js';

export interface StaffRouteDeps {
  readonly staff: StaffDeps;
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
});
const idParams = z.object({ id: z.uuid() });
const problem = (description: string) => ({ description });

export function staffRoutes(deps: StaffRouteDeps): AnyRoute[] {
  const d = deps.staff;
  const session = staffSessionAuth(d);
  return [
    defineRoute({
      method: 'post',
      path: '/v1/staff/login',
      operationId: 'staffLogin',
      summary: 'Sign in with username and password; returns a session token',
      tags: ['staff'],
      body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }),
      maxBodyBytes: 4096,
      responses: {
        200: { description: 'Signed in', schema: z.object({ token: z.string(), expiresAt: z.string(), staff: principal }) },
        400: problem('Malformed request'),
        401: problem('staff_login_failed'),
        429: problem('staff_login_limited'),
        503: problem('staff_busy'),
      },
      async handle({ body, req }) {
        const r = await login(d, { username: body.username, password: body.password, address: req.socket.remoteAddress ?? 'unknown' });
        return { body: { token: r.token, expiresAt: r.expiresAt.toISOString(), staff: r.principal } };
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
      async handle({ req }) {
        const token = bearerToken(req);
        if (token) await endSession(d, token);
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
      responses: { 200: { description: 'Who the session belongs to', schema: principal }, 401: problem('staff_session_invalid') },
      async handle({ principal: p }) {
        return { body: p };
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
        username: z.string().min(1).max(64),
        displayName: z.string().min(1).max(100),
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
      method: 'get',
      path: '/v1/staff/approvals',
      operationId: 'approvalsList',
      summary: 'Four-eyes approval requests, newest first',
      tags: ['staff'],
      auth: session,
      query: z.object({ state: z.enum(approvalStates).optional(), limit: z.coerce.number().int().min(1).max(500).optional() }),
      responses: { 200: { description: 'Requests', schema: z.object({ approvals: z.array(approvalView) }) }, 403: problem('staff_forbidden') },
      async handle({ query, principal: p }) {
        return { body: { approvals: await listApprovalRequests(d, p, query) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/staff/approvals',
      operationId: 'approvalsRequest',
      summary: 'Ask a second staff member to approve a sensitive action (pin-reset, revoke-key-compromise)',
      tags: ['staff'],
      auth: session,
      body: z.object({ action: z.enum(approvalActions), subject: z.string().min(1).max(200), reason: z.string().max(500).optional() }),
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
