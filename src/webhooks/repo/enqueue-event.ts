// Write events into the outbox (webhook_outbox), one row per live endpoint
// of the RP that subscribed to the type. In the caller's transaction, so an
// event is written together with the change it reports, or not at all.
// Writing the same (endpoint, type, key) again changes nothing: the event is
// sent once.
import type { Sql } from '../../registry/sql.js';
import type { WebhookEventType } from '../events.js';

/** A new message id (the webhook-id receivers see), made in SQL. */
const NEW_ID = `'msg_' || replace(gen_random_uuid()::text, '-', '')`;

/** Events for one RP (authentication outcomes). Returns how many rows were written. */
export async function enqueueRpEvent(
  tx: Sql,
  e: { readonly rpId: string; readonly type: WebhookEventType; readonly key: string; readonly data: unknown; readonly at: Date },
): Promise<number> {
  const rows = await tx.query(
    `INSERT INTO webhook_outbox (id, webhook_id, rp_id, event_type, event_key, payload, created_at, next_attempt_at)
     SELECT ${NEW_ID}, w.id, w.rp_id, $2, $3, $4::jsonb, $5, $5
       FROM rp_webhooks w
      WHERE w.rp_id = $1 AND w.removed_at IS NULL AND $2 = ANY (w.events)
     ON CONFLICT ON CONSTRAINT webhook_outbox_event_once DO NOTHING
     RETURNING id`,
    [e.rpId, e.type, e.key, JSON.stringify(e.data), e.at],
  );
  return rows.length;
}

/**
 * A card status change for every RP the card authenticated with, named by
 * that RP's pairwise subject (rp_card_links). Returns how many rows.
 */
export async function enqueueCardEvent(
  tx: Sql,
  e: { readonly cardSerial: number | bigint; readonly type: WebhookEventType; readonly reason?: string | undefined; readonly at: Date },
): Promise<number> {
  const rows = await tx.query(
    `INSERT INTO webhook_outbox (id, webhook_id, rp_id, event_type, event_key, payload, created_at, next_attempt_at)
     SELECT ${NEW_ID}, w.id, w.rp_id, $2, gen_random_uuid()::text,
            jsonb_build_object('subject', l.subject, 'cardSerial', $6::text, 'at', $4::text) || (CASE WHEN $3::text IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('reason', $3::text) END),
            $5, $5
       FROM rp_card_links l
       JOIN rp_webhooks w ON w.rp_id = l.rp_id AND w.removed_at IS NULL AND $2 = ANY (w.events)
      WHERE l.card_serial = $1::bigint
     RETURNING id`,
    [String(e.cardSerial), e.type, e.reason ?? null, e.at.toISOString(), e.at, String(e.cardSerial)],
  );
  return rows.length;
}

/** Remember that a card authenticated with an RP (for its later status changes). */
export async function linkCard(tx: Sql, l: { readonly rpId: string; readonly cardSerial: string; readonly subject: string; readonly at: Date }): Promise<void> {
  await tx.query(
    `INSERT INTO rp_card_links (card_serial, rp_id, subject, first_at, last_at) VALUES ($1, $2, $3, $4, $4)
     ON CONFLICT (card_serial, rp_id) DO UPDATE SET last_at = EXCLUDED.last_at, subject = EXCLUDED.subject`,
    [l.cardSerial, l.rpId, l.subject, l.at],
  );
}
