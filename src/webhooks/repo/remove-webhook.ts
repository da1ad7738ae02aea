// Remove a webhook endpoint: nothing more is sent to it (deliveries still
// pending for it end as failed at their next attempt). Audited; removing it
// again writes nothing.
import { appendAudit } from '../../registry/audit/append.js';
import type { Sql } from '../../registry/sql.js';
import { webhookError } from '../codes.js';

export async function removeWebhook(sql: Sql, webhookId: string, actor: string, now: Date, rpId?: string): Promise<{ readonly rpId: string; readonly changed: boolean }> {
  return sql.transaction(async (tx) => {
    const row = (await tx.query<{ rp_id: string; removed_at: Date | null }>('SELECT rp_id, removed_at FROM rp_webhooks WHERE id = $1 FOR UPDATE', [webhookId]))[0];
    if (!row || (rpId !== undefined && row.rp_id !== rpId)) throw webhookError('webhook_not_found', `no webhook ${webhookId.slice(0, 64)}`);
    if (row.removed_at !== null) return { rpId: row.rp_id, changed: false };
    await tx.query('UPDATE rp_webhooks SET removed_at = $2 WHERE id = $1', [webhookId, now]);
    await appendAudit(tx, { actor, action: 'rp.webhook.remove', subject: `rp:${row.rp_id}`, data: { webhook: webhookId }, at: now });
    return { rpId: row.rp_id, changed: true };
  });
}
