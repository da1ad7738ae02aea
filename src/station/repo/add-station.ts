// Register a station: its id and a fresh key, the key kept only as a keyed
// hash, audited in the same transaction. The key is returned once.
import { appendAudit } from '../../registry/audit/append.js';
import { isAppError } from '../../errors/app-error.js';
import type { Sql } from '../../registry/sql.js';
import { stationError } from '../codes.js';
import { newStationId, newStationKey } from '../credentials.js';
import type { Station } from '../types.js';
import { stationById } from './rows.js';

export function checkStationName(name: string): string {
  const n = name.trim();
  if (n.length < 1 || n.length > 100 || /[\u0000-\u001f\u007f]/.test(n)) throw stationError('station_invalid', 'name: 1 to 100 characters, no control characters');
  return n;
}

export async function addStation(sql: Sql, name: string, pepper: Buffer, actor: string, now: Date): Promise<{ station: Station; key: string }> {
  const n = checkStationName(name);
  const id = newStationId();
  const { key, secretHash } = newStationKey(id, pepper);
  try {
    const station = await sql.transaction(async (tx) => {
      await tx.query(`INSERT INTO stations (id, name, status, secret_hash, created_by, created_at, updated_at) VALUES ($1, $2, 'active', $3, $4, $5, $5)`, [id, n, secretHash, actor, now]);
      await appendAudit(tx, { actor, action: 'station.add', subject: `station:${id}`, data: { name: n }, at: now });
      return (await stationById(tx, id))!;
    });
    return { station, key };
  } catch (e) {
    if (isAppError(e) && e.detail?.['constraint'] === 'stations_name_unique') throw stationError('station_name_taken', `A station named '${n}' exists already`);
    throw e;
  }
}
