// A new key for a station: the old one is refused from now on (the service
// closes a connection opened with it). Audited; the new key is returned once.
import { appendAudit } from '../../registry/audit/append.js';
import type { Sql } from '../../registry/sql.js';
import { stationError } from '../codes.js';
import { newStationKey } from '../credentials.js';

export async function rotateStationKey(sql: Sql, id: string, pepper: Buffer, actor: string, now: Date): Promise<{ key: string }> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query('SELECT id FROM stations WHERE id = $1 FOR UPDATE', [id]);
    if (rows.length === 0) throw stationError('station_not_found', `No station ${id}`);
    const { key, secretHash } = newStationKey(id, pepper);
    await tx.query('UPDATE stations SET secret_hash = $2, updated_at = $3 WHERE id = $1', [id, secretHash, now]);
    await appendAudit(tx, { actor, action: 'station.rotate', subject: `station:${id}`, at: now });
    return { key };
  });
}
