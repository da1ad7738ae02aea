// What an RP sees of its deliveries (GET /v1/rp/webhooks/deliveries) and
// asks again (POST …/{id}/redeliver): the same message, the same webhook-id,
// due now. Another RP's delivery is not found.
import type { Sql } from '../../registry/sql.js';
import { webhookError } from '../codes.js';

export const deliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export interface DeliveryView {
  readonly id: string;
  readonly webhookId: string;
  readonly type: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly createdAt: string;
  readonly nextAttemptAt: string | null;
  readonly lastAttemptAt: string | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly deliveredAt: string | null;
}

type Row = {
  id: string;
  webhook_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  created_at: Date;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
};

const iso = (d: Date | null): string | null => (d === null ? null : new Date(d).toISOString());

function view(r: Row): DeliveryView {
  return {
    id: r.id,
    webhookId: r.webhook_id,
    type: r.event_type,
    status: r.status,
    attempts: Number(r.attempts),
    createdAt: new Date(r.created_at).toISOString(),
    nextAttemptAt: r.status === 'pending' ? iso(r.next_attempt_at) : null,
    lastAttemptAt: iso(r.last_attempt_at),
    lastStatus: r.last_status === null ? null : Number(r.last_status),
    lastError: r.last_error,
    deliveredAt: iso(r.delivered_at),
  };
}

const COLUMNS = 'id, webhook_id, event_type, status, attempts, created_at, next_attempt_at, last_attempt_at, last_status, last_error, delivered_at';

/** Newest first; `before` (a createdAt of the previous page) pages on. */
export async function listDeliveries(
  sql: Sql,
  rpId: string,
  q: { readonly status?: DeliveryStatus | undefined; readonly limit: number; readonly before?: Date | undefined },
): Promise<DeliveryView[]> {
  const rows = await sql.query<Row>(
    `SELECT ${COLUMNS} FROM webhook_outbox
      WHERE rp_id = $1 AND ($2::text IS NULL OR status = $2::text) AND ($3::timestamptz IS NULL OR created_at < $3::timestamptz)
      ORDER BY created_at DESC, id LIMIT $4`,
    [rpId, q.status ?? null, q.before ?? null, q.limit],
  );
  return rows.map(view);
}

export async function redeliver(sql: Sql, rpId: string, id: string, now: Date): Promise<DeliveryView> {
  const rows = await sql.query<Row>(
    `UPDATE webhook_outbox SET status = 'pending', next_attempt_at = $3, claimed_until = NULL
      WHERE id = $1 AND rp_id = $2 RETURNING ${COLUMNS}`,
    [id, rpId, now],
  );
  const r = rows[0];
  if (r === undefined) throw webhookError('webhook_delivery_not_found', 'No such delivery.');
  return view(r);
}
