// Rows of the stations and station_jobs tables (migration 027) as records.
import type { Sql } from '../../registry/sql.js';
import type { Station, StationJobKind, StationJobRecord } from '../types.js';

interface StationRow extends Record<string, unknown> {
  id: string;
  name: string;
  status: 'active' | 'disabled';
  secret_hash: Uint8Array;
  created_at: Date;
  last_seen_at: Date | null;
}

export const stationOf = (r: StationRow): Station => ({
  id: r.id,
  name: r.name,
  status: r.status,
  createdAt: new Date(r.created_at),
  lastSeenAt: r.last_seen_at === null ? undefined : new Date(r.last_seen_at),
});

/** A station with the hash of its current key (for authentication only). */
export async function stationWithHash(sql: Sql, id: string): Promise<{ station: Station; secretHash: Uint8Array } | undefined> {
  const rows = await sql.query<StationRow>('SELECT id, name, status, secret_hash, created_at, last_seen_at FROM stations WHERE id = $1', [id]);
  const r = rows[0];
  return r === undefined ? undefined : { station: stationOf(r), secretHash: new Uint8Array(r.secret_hash) };
}

export async function stationById(sql: Sql, id: string): Promise<Station | undefined> {
  return (await stationWithHash(sql, id))?.station;
}

export async function listStations(sql: Sql): Promise<Station[]> {
  const rows = await sql.query<StationRow>('SELECT id, name, status, secret_hash, created_at, last_seen_at FROM stations ORDER BY lower(name)');
  return rows.map(stationOf);
}

interface JobRow extends Record<string, unknown> {
  id: string;
  kind: StationJobKind;
  station_id: string;
  reader: string;
  officer: string;
  status: StationJobRecord['status'];
  card_serial: string | number | null;
  issuance_job_id: string | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

const jobOf = (r: JobRow): StationJobRecord => ({
  id: r.id,
  kind: r.kind,
  stationId: r.station_id,
  reader: r.reader,
  officer: r.officer,
  status: r.status,
  cardSerial: r.card_serial === null ? undefined : Number(r.card_serial),
  issuanceJobId: r.issuance_job_id ?? undefined,
  lastError: r.last_error ?? undefined,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

export async function stationJobById(sql: Sql, id: string): Promise<StationJobRecord | undefined> {
  const rows = await sql.query<JobRow>('SELECT * FROM station_jobs WHERE id = $1', [id]);
  return rows[0] === undefined ? undefined : jobOf(rows[0]);
}
