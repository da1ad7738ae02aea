// Four-eyes approvals (src/staff/approvals.ts). Rows move pending → approved |
// rejected, approved → executed, each move conditional on the current state
// in the UPDATE itself, so two approvers racing cannot both decide. The
// database refuses a decision by the requester (approvals_not_self).
import { appendAudit } from '../audit/append.js';
import type { Sql } from '../sql.js';

export const approvalActions = ['pin-reset', 'revoke-key-compromise'] as const;
export type ApprovalAction = (typeof approvalActions)[number];
export const approvalStates = ['pending', 'approved', 'rejected', 'executed'] as const;
export type ApprovalState = (typeof approvalStates)[number];

export interface ApprovalRow {
  readonly id: string;
  readonly action: ApprovalAction;
  readonly subject: string;
  readonly reason: string;
  readonly requestedBy: string;
  readonly decidedBy: string | undefined;
  readonly state: ApprovalState;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly decidedAt: Date | undefined;
  readonly executedAt: Date | undefined;
}

type Raw = {
  id: string;
  action: ApprovalAction;
  subject: string;
  reason: string;
  requested_by: string;
  decided_by: string | null;
  state: ApprovalState;
  created_at: Date;
  expires_at: Date;
  decided_at: Date | null;
  executed_at: Date | null;
}

function toApproval(r: Raw): ApprovalRow {
  return {
    id: r.id,
    action: r.action,
    subject: r.subject,
    reason: r.reason,
    requestedBy: r.requested_by,
    decidedBy: r.decided_by ?? undefined,
    state: r.state,
    createdAt: new Date(r.created_at),
    expiresAt: new Date(r.expires_at),
    decidedAt: r.decided_at === null ? undefined : new Date(r.decided_at),
    executedAt: r.executed_at === null ? undefined : new Date(r.executed_at),
  };
}

export async function insertApproval(
  sql: Sql,
  a: { readonly id: string; readonly action: ApprovalAction; readonly subject: string; readonly reason: string; readonly requestedBy: string; readonly expiresAt: Date },
  now: Date,
): Promise<ApprovalRow> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query<Raw>(
      `INSERT INTO approvals (id, action, subject, reason, requested_by, decided_by, state, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, NULL, 'pending', $6, $7) RETURNING *`,
      [a.id, a.action, a.subject, a.reason, a.requestedBy, now, a.expiresAt],
    );
    await appendAudit(tx, { actor: a.requestedBy, action: 'approval.request', subject: `approval:${a.id}`, data: { action: a.action, subject: a.subject }, at: now });
    return toApproval(rows[0]!);
  });
}

export async function approvalById(sql: Sql, id: string, options: { forUpdate?: boolean } = {}): Promise<ApprovalRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const r = (await sql.query<Raw>(`SELECT * FROM approvals WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [id]))[0];
  return r && toApproval(r);
}

export async function listApprovals(sql: Sql, q: { readonly state?: ApprovalState; readonly limit: number }): Promise<ApprovalRow[]> {
  const limit = Math.max(1, Math.min(q.limit, 500));
  const rows =
    q.state === undefined
      ? await sql.query<Raw>('SELECT * FROM approvals ORDER BY created_at DESC, id LIMIT $1', [limit])
      : await sql.query<Raw>('SELECT * FROM approvals WHERE state = $1 ORDER BY created_at DESC, id LIMIT $2', [q.state, limit]);
  return rows.map(toApproval);
}

/** pending → approved | rejected by `decidedBy`; undefined when no longer pending. */
export async function decideApproval(sql: Sql, id: string, decision: 'approved' | 'rejected', decidedBy: string, now: Date): Promise<ApprovalRow | undefined> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query<Raw>(
      `UPDATE approvals SET state = $2, decided_by = $3, decided_at = $4 WHERE id = $1 AND state = 'pending' AND expires_at > $4 RETURNING *`,
      [id, decision, decidedBy, now],
    );
    if (!rows[0]) return undefined;
    await appendAudit(tx, { actor: decidedBy, action: decision === 'approved' ? 'approval.approve' : 'approval.reject', subject: `approval:${id}`, data: { action: rows[0].action, subject: rows[0].subject }, at: now });
    return toApproval(rows[0]);
  });
}

/** approved → executed (the approval is used once); undefined when not approved / expired. */
export async function markApprovalExecuted(sql: Sql, id: string, executedBy: string, now: Date): Promise<ApprovalRow | undefined> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query<Raw>(
      `UPDATE approvals SET state = 'executed', executed_at = $2 WHERE id = $1 AND state = 'approved' AND expires_at > $2 RETURNING *`,
      [id, now],
    );
    if (!rows[0]) return undefined;
    await appendAudit(tx, { actor: executedBy, action: 'approval.execute', subject: `approval:${id}`, data: { action: rows[0].action, subject: rows[0].subject }, at: now });
    return toApproval(rows[0]);
  });
}

/** Requests still waiting for a decision at `now` (the staff dashboard). */
export async function countPendingApprovals(sql: Sql, now: Date): Promise<number> {
  return (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM approvals WHERE state = 'pending' AND expires_at > $1`, [now]))[0]?.n ?? 0;
}
