// Disable a station (its key is refused from now on, and the service closes
// its open connection), or enable it again. Audited in the same transaction;
// setting the status it already has writes nothing.
import { appendAudit } from '../../registry/audit/append.js';
import type { Sql } from '../../registry/sql.js';
import { stationError } from '../codes.js';
import type { Station } from '../types.js';
import { stationById } from './rows.js';

export async function setStationStatus(sql: Sql, id: string, status: Station['status'], actor: string, now: Date): Promise<Station> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query<{ status: string }>('SELECT status FROM stations WHERE id = $1 FOR UPDATE', [id]);
    if (rows.length === 0) throw stationError('station_not_found', `No station ${id}`);
    if (rows[0]!.status !== status) {
      await tx.query('UPDATE stations SET status = $2, updated_at = $3 WHERE id = $1', [id, status, now]);
      await appendAudit(tx, { actor, action: status === 'disabled' ? 'station.disable' : 'station.enable', subject: `station:${id}`, at: now });
    }
    return (await stationById(tx, id))!;
  });
}
