// Disable a relying party: every call with its credentials is refused with
// rp_disabled from then on (after the credential cache's short TTL).
import { appendAudit } from '../../registry/audit/append.js';
import type { Sql } from '../../registry/sql.js';
import { authError } from '../../auth/codes.js';
import type { RelyingParty } from '../types.js';
import { rpById } from './rows.js';

export async function disableRp(sql: Sql, rpId: string, reason: string, actor: string, now: Date): Promise<RelyingParty> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query(`UPDATE relying_parties SET status = 'disabled', updated_at = $2 WHERE id = $1 RETURNING id`, [rpId, now]);
    if (rows.length === 0) throw authError('rp_not_found', `no relying party ${rpId}`);
    await appendAudit(tx, { actor, action: 'rp.disable', subject: `rp:${rpId}`, data: { reason: reason.slice(0, 200) }, at: now });
    return (await rpById(tx, rpId))!;
  });
}
