// Read the audit log (auditors, `cardauth audit list`, the console's audit
// page): newest first, by subject, actor or action (a prefix such as `card.`)
// if asked, a page at a time (`beforeSeq`). Reading never changes anything.
import type { Sql } from '../sql.js';

export interface AuditLogEntry {
  readonly seq: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly data: unknown;
  readonly hash: string;
}

export async function readAuditLog(
  sql: Sql,
  q: { readonly subject?: string; readonly actor?: string; readonly actionPrefix?: string; readonly beforeSeq?: number; readonly limit: number },
): Promise<AuditLogEntry[]> {
  const limit = Math.max(1, Math.min(q.limit, 1000));
  const rows = await sql.query<{ seq: number; at: Date; actor: string; action: string; subject: string; data: string; hash: Uint8Array }>(
    `SELECT seq, at, actor, action, subject, data, hash FROM audit_log
     WHERE ($1::text IS NULL OR subject = $1) AND ($2::bigint IS NULL OR seq < $2)
       AND ($4::text IS NULL OR actor = $4) AND ($5::text IS NULL OR starts_with(action, $5))
     ORDER BY seq DESC LIMIT $3`,
    [q.subject ?? null, q.beforeSeq ?? null, limit, q.actor ?? null, q.actionPrefix ?? null],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: new Date(r.at),
    actor: r.actor,
    action: r.action,
    subject: r.subject,
    data: JSON.parse(r.data) as unknown,
    hash: Buffer.from(r.hash).toString('hex'),
  }));
}
