// Disable a relying party, or enable it again: while it is disabled every
// call with its credentials is refused `rp_disabled` (after the credential
// cache's short TTL, src/rp/authenticate.ts). Audited as rp.disable /
// rp.enable in the same transaction; setting the status it already has
// writes nothing.
import { appendAudit } from '../../registry/audit/append.js';
import type { Sql } from '../../registry/sql.js';
import type { RelyingParty } from '../types.js';
import { rpById } from './rows.js';
import { rpError } from '../codes.js';

export async function setRpStatus(
  sql: Sql,
  rpId: string,
  status: RelyingParty['status'],
  reason: string,
  actor: string,
  now: Date,
): Promise<{ rp: RelyingParty; changed: boolean }> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query<{ status: string }>('SELECT status FROM relying_parties WHERE id = $1 FOR UPDATE', [rpId]);
    if (rows.length === 0) throw rpError('rp_not_found', `no relying party ${rpId}`);
    if (rows[0]!.status === status) return { rp: (await rpById(tx, rpId))!, changed: false };
    await tx.query('UPDATE relying_parties SET status = $2, updated_at = $3 WHERE id = $1', [rpId, status, now]);
    const action = status === 'disabled' ? 'rp.disable' : 'rp.enable';
    await appendAudit(tx, { actor, action, subject: `rp:${rpId}`, data: { reason: reason.slice(0, 200) }, at: now });
    return { rp: (await rpById(tx, rpId))!, changed: true };
  });
}

export async function disableRp(sql: Sql, rpId: string, reason: string, actor: string, now: Date): Promise<RelyingParty> {
  return (await setRpStatus(sql, rpId, 'disabled', reason, actor, now)).rp;
}
