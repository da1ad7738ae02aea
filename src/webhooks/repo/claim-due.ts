// Claim due deliveries for one dispatcher: the rows pending whose next
// attempt is due and that no live lease holds, locked with FOR UPDATE SKIP
// LOCKED so concurrent dispatchers (every service process runs one) never
// claim the same row, and leased until `leaseUntil` — a dispatcher that dies
// mid-delivery leaves the row to be claimed again when its lease ends
// (at-least-once). Each claim counts as an attempt.
import type { Sql } from '../../registry/sql.js';

export interface ClaimedDelivery {
  readonly id: string;
  readonly webhookId: string;
  readonly rpId: string;
  readonly type: string;
  readonly data: unknown;
  readonly createdAt: Date;
  readonly attempts: number;
  readonly url: string;
  readonly secretSealed: Uint8Array;
  readonly endpointRemoved: boolean;
}

export async function claimDueDeliveries(sql: Sql, opts: { readonly now: Date; readonly leaseUntil: Date; readonly limit: number }): Promise<ClaimedDelivery[]> {
  const rows = await sql.transaction((tx) =>
    tx.query<{
      id: string;
      webhook_id: string;
      rp_id: string;
      event_type: string;
      payload: unknown;
      created_at: Date;
      attempts: number;
      url: string;
      secret_sealed: Uint8Array;
      removed_at: Date | null;
    }>(
      `WITH due AS (
         SELECT id FROM webhook_outbox
          WHERE status = 'pending' AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
          ORDER BY next_attempt_at
          LIMIT $3
          FOR UPDATE SKIP LOCKED)
       UPDATE webhook_outbox o
          SET claimed_until = $2, attempts = o.attempts + 1, last_attempt_at = $1
         FROM due, rp_webhooks w
        WHERE o.id = due.id AND w.id = o.webhook_id
       RETURNING o.id, o.webhook_id, o.rp_id, o.event_type, o.payload, o.created_at, o.attempts, w.url, w.secret_sealed, w.removed_at`,
      [opts.now, opts.leaseUntil, opts.limit],
    ),
  );
  return rows.map((r) => ({
    id: r.id,
    webhookId: r.webhook_id,
    rpId: r.rp_id,
    type: r.event_type,
    data: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
    createdAt: new Date(r.created_at),
    attempts: Number(r.attempts),
    url: r.url,
    secretSealed: r.secret_sealed,
    endpointRemoved: r.removed_at !== null,
  }));
}
