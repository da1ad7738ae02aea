// Four eyes: staff-assisted PIN reset and revocation for key compromise need
// a second staff member's approval; an approver cannot approve their own
// request. Rules, in order: the decider's role may decide;
// the request exists; it is not the decider's own; it is still pending; it has
// not expired. The state change itself is conditional in SQL, so of two
// concurrent decisions exactly one wins; the database also refuses a decision
// by the requester (constraint approvals_not_self).
import { randomUUID } from 'node:crypto';
import {
  approvalActions,
  approvalById,
  decideApproval,
  insertApproval,
  listApprovals,
  markApprovalExecuted,
  type ApprovalAction,
  type ApprovalRow,
  type ApprovalState,
} from '../registry/repos/approvals.js';
import { staffError } from './codes.js';
import type { StaffDeps } from './deps.js';
import { requirePermission } from '../access/permissions.js';
import type { StaffPrincipal } from './principal.js';

export interface ApprovalView {
  readonly id: string;
  readonly action: ApprovalAction;
  readonly subject: string;
  readonly reason: string;
  readonly requestedBy: string;
  readonly decidedBy: string | null;
  readonly state: ApprovalState;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export function viewApproval(a: ApprovalRow): ApprovalView {
  return {
    id: a.id,
    action: a.action,
    subject: a.subject,
    reason: a.reason,
    requestedBy: a.requestedBy,
    decidedBy: a.decidedBy ?? null,
    state: a.state,
    createdAt: a.createdAt.toISOString(),
    expiresAt: a.expiresAt.toISOString(),
  };
}

export async function requestApproval(
  deps: StaffDeps,
  action: string,
  subject: string,
  requester: StaffPrincipal,
  reason = '',
): Promise<ApprovalView> {
  requirePermission(requester, 'approval.request');
  if (!(approvalActions as readonly string[]).includes(action)) {
    throw staffError('approval_invalid', `The action must be one of ${approvalActions.join(', ')}`, { detail: { field: 'action' } });
  }
  if (subject.length < 1 || subject.length > 200) throw staffError('approval_invalid', 'The subject must be 1–200 characters', { detail: { field: 'subject' } });
  if (reason.length > 500) throw staffError('approval_invalid', 'The reason must be at most 500 characters', { detail: { field: 'reason' } });
  const now = deps.clock.now();
  const row = await insertApproval(
    deps.sql,
    { id: randomUUID(), action: action as ApprovalAction, subject, reason, requestedBy: requester.staffId, expiresAt: new Date(now.getTime() + deps.policy.approvalTtlMs) },
    now,
  );
  return viewApproval(row);
}

async function decide(deps: StaffDeps, id: string, decider: StaffPrincipal, decision: 'approved' | 'rejected'): Promise<ApprovalView> {
  if (decider.role !== 'supervisor') throw staffError('approval_forbidden', `The role ${decider.role} may not decide approval requests`);
  const a = await approvalById(deps.sql, id);
  if (!a) throw staffError('approval_not_found', 'No such approval request');
  if (a.requestedBy === decider.staffId) throw staffError('approval_self', 'Nobody may approve their own request');
  if (a.state !== 'pending') throw staffError('approval_decided', `The approval request is already ${a.state}`, { detail: { state: a.state } });
  const now = deps.clock.now();
  if (a.expiresAt <= now) throw staffError('approval_expired', 'The approval request has expired');
  const row = await decideApproval(deps.sql, id, decision, decider.staffId, now);
  if (!row) throw staffError('approval_decided', 'The approval request was decided meanwhile');
  return viewApproval(row);
}

export const approve = (deps: StaffDeps, id: string, approver: StaffPrincipal): Promise<ApprovalView> => decide(deps, id, approver, 'approved');
export const reject = (deps: StaffDeps, id: string, decider: StaffPrincipal): Promise<ApprovalView> => decide(deps, id, decider, 'rejected');

export async function listApprovalRequests(deps: StaffDeps, by: StaffPrincipal, q: { state?: ApprovalState; limit?: number }): Promise<ApprovalView[]> {
  requirePermission(by, 'approval.read');
  return (await listApprovals(deps.sql, { ...(q.state ? { state: q.state } : {}), limit: q.limit ?? 100 })).map(viewApproval);
}

/**
 * Use an approval once for the action it was granted for: it must be approved,
 * unexpired, for this action and subject, requested by `executor`, and
 * decided by someone else. Returns the approver's id.
 */
export async function executeApproval(
  deps: StaffDeps,
  id: string,
  expected: { readonly action: ApprovalAction; readonly subject: string },
  executor: { readonly staffId: string },
): Promise<{ approvedBy: string }> {
  const a = await approvalById(deps.sql, id);
  if (!a) throw staffError('approval_not_found', 'No such approval request');
  if (a.action !== expected.action || a.subject !== expected.subject) {
    throw staffError('approval_invalid', 'The approval was granted for another action or subject');
  }
  if (a.requestedBy !== executor.staffId) throw staffError('approval_invalid', 'Only the requester may carry out an approved action');
  if (a.decidedBy === undefined || a.decidedBy === executor.staffId) throw staffError('approval_self', 'Nobody may approve their own request');
  if (a.state !== 'approved') throw staffError('approval_decided', `The approval request is ${a.state}`, { detail: { state: a.state } });
  const now = deps.clock.now();
  if (a.expiresAt <= now) throw staffError('approval_expired', 'The approval request has expired');
  const row = await markApprovalExecuted(deps.sql, id, executor.staffId, now);
  if (!row) throw staffError('approval_decided', 'The approval was used meanwhile');
  return { approvedBy: a.decidedBy };
}
