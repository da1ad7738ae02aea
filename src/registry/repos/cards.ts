// Issued cards. Status changes are audited in the same transaction; the
// database keeps one live (active / hold / pending_activation) card per
// citizen and a card's serial must come from the stock (migration 006).
import { appendAudit } from '../audit/append.js';
import type { AuditData } from '../audit/canonical.js';
import type { Sql } from '../sql.js';

export const cardStatuses = ['active', 'hold', 'pending_activation', 'revoked', 'superseded', 'expired', 'wiped'] as const;
export type CardStatus = (typeof cardStatuses)[number];
export const liveCardStatuses = ['active', 'hold', 'pending_activation'] as const satisfies readonly CardStatus[];

export interface CardRow {
  readonly serial: number;
  readonly uuid: string;
  readonly citizenId: string;
  readonly status: CardStatus;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  readonly jobId: string | undefined;
  readonly replacesSerial: number | undefined;
  readonly supersededBy: number | undefined;
  readonly statusChangedAt: Date;
}

export interface NewCard {
  readonly serial: number;
  readonly uuid: string;
  readonly citizenId: string;
  readonly status: CardStatus;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  readonly jobId?: string;
  readonly replacesSerial?: number;
}

type Raw = {
  serial: number;
  uuid: string;
  citizen_id: string;
  status: CardStatus;
  issued_at: Date;
  expires_at: Date;
  job_id: string | null;
  replaces_serial: number | null;
  superseded_by: number | null;
  status_changed_at: Date;
}

function toCard(r: Raw): CardRow {
  return {
    serial: Number(r.serial),
    uuid: r.uuid,
    citizenId: r.citizen_id,
    status: r.status,
    issuedAt: new Date(r.issued_at),
    expiresAt: new Date(r.expires_at),
    jobId: r.job_id ?? undefined,
    replacesSerial: r.replaces_serial === null ? undefined : Number(r.replaces_serial),
    supersededBy: r.superseded_by === null ? undefined : Number(r.superseded_by),
    statusChangedAt: new Date(r.status_changed_at),
  };
}

/**
 * Register an issued card. With `replacesSerial`, the replaced card becomes
 * 'superseded' (pointing at this one) first, in the same transaction.
 * Throws card_exists, registry_constraint (e.g. the citizen already has a live card).
 */
export async function insertCard(sql: Sql, c: NewCard, actor: string, now: Date): Promise<CardRow> {
  return sql.transaction(async (tx) => {
    if (c.replacesSerial !== undefined) {
      const old = await tx.query<Raw>(
        `UPDATE cards SET status = 'superseded', superseded_by = $2, status_changed_at = $3 WHERE serial = $1 RETURNING *`,
        [c.replacesSerial, c.serial, now],
      );
      if (old[0]) {
        await appendAudit(tx, { actor, action: 'card.supersede', subject: `card:${c.replacesSerial}`, data: { by: c.serial }, at: now });
      }
    }
    const rows = await tx.query<Raw>(
      `INSERT INTO cards (serial, uuid, citizen_id, status, issued_at, expires_at, job_id, replaces_serial, status_changed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [c.serial, c.uuid, c.citizenId, c.status, c.issuedAt, c.expiresAt, c.jobId ?? null, c.replacesSerial ?? null, now],
    );
    await appendAudit(tx, {
      actor,
      action: 'card.register',
      subject: `card:${c.serial}`,
      data: { citizenId: c.citizenId, uuid: c.uuid, status: c.status, expiresAt: c.expiresAt.toISOString(), jobId: c.jobId, replaces: c.replacesSerial },
      at: now,
    });
    return toCard(rows[0]!);
  });
}

export async function cardBySerial(sql: Sql, serial: number, options: { forUpdate?: boolean } = {}): Promise<CardRow | undefined> {
  const r = (await sql.query<Raw>(`SELECT * FROM cards WHERE serial = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [serial]))[0];
  return r && toCard(r);
}

export async function liveCardOf(sql: Sql, citizenId: string): Promise<CardRow | undefined> {
  const r = (await sql.query<Raw>(`SELECT * FROM cards WHERE citizen_id = $1 AND status = ANY($2::text[])`, [citizenId, [...liveCardStatuses]]))[0];
  return r && toCard(r);
}

export async function cardsOf(sql: Sql, citizenId: string): Promise<CardRow[]> {
  return (await sql.query<Raw>('SELECT * FROM cards WHERE citizen_id = $1 ORDER BY issued_at', [citizenId])).map(toCard);
}

/** Live cards whose expiry has passed at `now`. */
export async function cardsExpiredBy(sql: Sql, now: Date, limit: number): Promise<CardRow[]> {
  return (
    await sql.query<Raw>('SELECT * FROM cards WHERE expires_at <= $1 AND status = ANY($2::text[]) ORDER BY expires_at LIMIT $3', [
      now,
      [...liveCardStatuses],
      limit,
    ])
  ).map(toCard);
}

/**
 * Change a card's status if it is in one of `from` (under the row lock).
 * Returns the new row, or undefined when absent / in another state.
 */
export async function setCardStatus(
  sql: Sql,
  serial: number,
  from: readonly CardStatus[],
  to: CardStatus,
  audit: { readonly actor: string; readonly action: string; readonly data?: AuditData },
  now: Date,
): Promise<CardRow | undefined> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query<Raw>(
      'UPDATE cards SET status = $3, status_changed_at = $4 WHERE serial = $1 AND status = ANY($2::text[]) RETURNING *',
      [serial, [...from], to, now],
    );
    if (!rows[0]) return undefined;
    await appendAudit(tx, { actor: audit.actor, action: audit.action, subject: `card:${serial}`, data: { ...audit.data, status: to }, at: now });
    return toCard(rows[0]);
  });
}

/** How many cards were issued at or after `since` (the staff dashboard). */
export async function countCardsIssuedSince(sql: Sql, since: Date): Promise<number> {
  return (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM cards WHERE issued_at >= $1', [since]))[0]?.n ?? 0;
}
