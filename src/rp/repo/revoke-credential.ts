// Revoke one API credential now (a terminal stolen, a key leaked): it is
// refused `unauthorized` from the next credential-cache refresh on (5 s,
// src/rp/authenticate.ts), without touching the RP's other keys. Audited in
// the same transaction; a credential already past its validity writes nothing.
import { appendAudit } from '../../registry/audit/append.js';
import type { Sql } from '../../registry/sql.js';
import { rpError } from '../codes.js';

export async function revokeCredential(sql: Sql, keyId: string, reason: string, actor: string, now: Date): Promise<{ rpId: string; changed: boolean }> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query<{ rp_id: string; valid_until: Date | null }>('SELECT rp_id, valid_until FROM rp_credentials WHERE key_id = $1 FOR UPDATE', [keyId]);
    const c = rows[0];
    if (!c) throw rpError('rp_not_found', `no credential ${keyId.slice(0, 60)}`);
    if (c.valid_until !== null && new Date(c.valid_until).getTime() <= now.getTime()) return { rpId: c.rp_id, changed: false };
    await tx.query('UPDATE rp_credentials SET valid_until = $2 WHERE key_id = $1', [keyId, now]);
    await appendAudit(tx, { actor, action: 'rp.credential.revoke', subject: `rp:${c.rp_id}`, data: { keyId, reason: reason.slice(0, 200) }, at: now });
    return { rpId: c.rp_id, changed: true };
  });
}
