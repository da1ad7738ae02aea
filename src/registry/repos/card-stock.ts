// Blank card stock: cards received from the manufacturer, by serial, with the
// F9 attestation certificate read at intake. Stock changes are audited.
import { appendAudit } from '../audit/append.js';
import type { Sql } from '../sql.js';

export const stockStatuses = ['available', 'reserved', 'issued', 'rejected'] as const;
export type StockStatus = (typeof stockStatuses)[number];

export interface StockRow {
  readonly serial: number;
  readonly manufacturer: string;
  readonly attestationCertDer: Uint8Array | undefined;
  readonly status: StockStatus;
  readonly receivedAt: Date;
  readonly updatedAt: Date;
}

type Raw = {
  serial: number;
  manufacturer: string;
  attestation_cert_der: Uint8Array | null;
  status: StockStatus;
  received_at: Date;
  updated_at: Date;
}

function toStock(r: Raw): StockRow {
  return {
    serial: Number(r.serial),
    manufacturer: r.manufacturer,
    attestationCertDer: r.attestation_cert_der === null ? undefined : new Uint8Array(r.attestation_cert_der),
    status: r.status,
    receivedAt: new Date(r.received_at),
    updatedAt: new Date(r.updated_at),
  };
}

/** Receive a blank card. Throws card_stock_exists for a serial already received. */
export async function receiveStock(
  sql: Sql,
  card: { readonly serial: number; readonly manufacturer: string; readonly attestationCertDer?: Uint8Array },
  actor: string,
  now: Date,
): Promise<StockRow> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query<Raw>(
      `INSERT INTO card_stock (serial, manufacturer, attestation_cert_der, status, received_at, updated_at)
       VALUES ($1, $2, $3, 'available', $4, $4) RETURNING *`,
      [card.serial, card.manufacturer, card.attestationCertDer ?? null, now],
    );
    await appendAudit(tx, { actor, action: 'stock.receive', subject: `card:${card.serial}`, data: { manufacturer: card.manufacturer }, at: now });
    return toStock(rows[0]!);
  });
}

export async function stockBySerial(sql: Sql, serial: number, options: { forUpdate?: boolean } = {}): Promise<StockRow | undefined> {
  const r = (await sql.query<Raw>(`SELECT * FROM card_stock WHERE serial = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [serial]))[0];
  return r && toStock(r);
}

/**
 * Move a stock card from one of `from` to `to` (checked under the row lock).
 * Returns the new row, or undefined when the card is absent or in another state.
 */
export async function setStockStatus(
  sql: Sql,
  serial: number,
  from: readonly StockStatus[],
  to: StockStatus,
  actor: string,
  now: Date,
): Promise<StockRow | undefined> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query<Raw>(
      'UPDATE card_stock SET status = $3, updated_at = $4 WHERE serial = $1 AND status = ANY($2::text[]) RETURNING *',
      [serial, [...from], to, now],
    );
    if (!rows[0]) return undefined;
    await appendAudit(tx, { actor, action: 'stock.status', subject: `card:${serial}`, data: { status: to }, at: now });
    return toStock(rows[0]);
  });
}

/** The stock by status, and the cards available for personalisation (oldest first, at most `limit`). */
export async function stockSummary(sql: Sql, limit: number): Promise<{ counts: Record<StockStatus, number>; available: StockRow[] }> {
  const counts = Object.fromEntries(stockStatuses.map((s) => [s, 0])) as Record<StockStatus, number>;
  for (const r of await sql.query<{ status: StockStatus; n: number }>('SELECT status, count(*)::int AS n FROM card_stock GROUP BY status')) counts[r.status] = Number(r.n);
  const available = await sql.query<Raw>(`SELECT * FROM card_stock WHERE status = 'available' ORDER BY received_at, serial LIMIT $1`, [Math.max(1, Math.min(limit, 1000))]);
  return { counts, available: available.map(toStock) };
}
