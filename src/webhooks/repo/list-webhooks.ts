// An RP's webhook endpoints (never their secrets).
import type { Sql } from '../../registry/sql.js';
import type { WebhookEventType } from '../events.js';
import type { WebhookEndpoint } from './add-webhook.js';

export async function listWebhooks(sql: Sql, rpId: string, opts: { readonly includeRemoved?: boolean } = {}): Promise<Array<WebhookEndpoint & { removedAt: Date | undefined }>> {
  const rows = await sql.query<{ id: string; rp_id: string; url: string; events: string[]; created_at: Date; removed_at: Date | null }>(
    `SELECT id, rp_id, url, events, created_at, removed_at FROM rp_webhooks WHERE rp_id = $1 ${opts.includeRemoved ? '' : 'AND removed_at IS NULL'} ORDER BY created_at`,
    [rpId],
  );
  return rows.map((r) => ({
    id: r.id,
    rpId: r.rp_id,
    url: r.url,
    events: r.events as WebhookEventType[],
    createdAt: new Date(r.created_at),
    removedAt: r.removed_at === null ? undefined : new Date(r.removed_at),
  }));
}
