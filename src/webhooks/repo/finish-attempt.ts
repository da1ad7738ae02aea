// The end of one delivery attempt: delivered, or back to pending with the
// next attempt's time, or failed for good. Only the claim that made the
// attempt may finish it (the lease it set is still there): a row redelivered
// or re-claimed meanwhile is left to its new owner.
import type { Sql } from '../../registry/sql.js';

export type AttemptOutcome =
  | { readonly kind: 'delivered'; readonly status: number }
  | { readonly kind: 'retry'; readonly at: Date; readonly status: number | null; readonly error: string }
  | { readonly kind: 'failed'; readonly status: number | null; readonly error: string };

export async function finishAttempt(sql: Sql, id: string, lease: Date, outcome: AttemptOutcome, now: Date): Promise<boolean> {
  const status = outcome.status;
  const error = outcome.kind === 'delivered' ? null : outcome.error.slice(0, 500);
  const rows =
    outcome.kind === 'delivered'
      ? await sql.query(
          `UPDATE webhook_outbox SET status = 'delivered', delivered_at = $3, claimed_until = NULL, last_status = $4, last_error = NULL
            WHERE id = $1 AND claimed_until = $2 RETURNING id`,
          [id, lease, now, status],
        )
      : outcome.kind === 'retry'
        ? await sql.query(
            `UPDATE webhook_outbox SET next_attempt_at = $3, claimed_until = NULL, last_status = $4, last_error = $5
              WHERE id = $1 AND claimed_until = $2 RETURNING id`,
            [id, lease, outcome.at, status, error],
          )
        : await sql.query(
            `UPDATE webhook_outbox SET status = 'failed', claimed_until = NULL, last_status = $3, last_error = $4
              WHERE id = $1 AND claimed_until = $2 RETURNING id`,
            [id, lease, status, error],
          );
  return rows.length === 1;
}
