// Remove one of an RP's client-assertion keys now: assertions signed with it
// are refused `unauthorized` from the next key-cache refresh on (5 s,
// ../client-assertion.ts). Audited in the same transaction; a key already
// removed writes nothing.
import { appendAudit } from '../../registry/audit/append.js';
import type { Sql } from '../../registry/sql.js';
import { rpError } from '../codes.js';

export async function removeClientKey(sql: Sql, rpId: string, kid: string, actor: string, now: Date): Promise<{ changed: boolean }> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM rp_client_keys WHERE rp_id = $1 AND kid = $2 FOR UPDATE', [rpId, kid]);
    const row = rows[0];
    if (!row) throw rpError('rp_not_found', `no client key ${kid.slice(0, 128)} for ${rpId}`);
    if (row.revoked_at !== null) return { changed: false };
    await tx.query('UPDATE rp_client_keys SET revoked_at = $3 WHERE rp_id = $1 AND kid = $2', [rpId, kid, now]);
    await appendAudit(tx, { actor, action: 'rp.client_key.remove', subject: `rp:${rpId}`, data: { kid }, at: now });
    return { changed: true };
  });
}
