// The record of each job run at a station (migration 027, station_jobs): the
// station, reader and officer from the start, the card, the issuance job and
// the outcome as they become known. A personalisation's steps are recorded
// in its issuance job; this row says where and for whom it ran.
import type { Sql } from '../../registry/sql.js';
import type { StationJobKind } from '../types.js';

export async function insertStationJob(
  sql: Sql,
  job: { readonly id: string; readonly kind: StationJobKind; readonly stationId: string; readonly reader: string; readonly officer: string; readonly now: Date },
): Promise<void> {
  await sql.query(
    `INSERT INTO station_jobs (id, kind, station_id, reader, officer, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'running', $6, $6)`,
    [job.id, job.kind, job.stationId, job.reader, job.officer, job.now],
  );
}

export async function updateStationJob(
  sql: Sql,
  id: string,
  change: { readonly status?: 'completed' | 'failed'; readonly cardSerial?: number; readonly issuanceJobId?: string; readonly lastError?: string; readonly now: Date },
): Promise<void> {
  await sql.query(
    `UPDATE station_jobs SET status = COALESCE($2, status), card_serial = COALESCE($3, card_serial), issuance_job_id = COALESCE($4, issuance_job_id),
       last_error = COALESCE($5, last_error), updated_at = $6 WHERE id = $1`,
    [id, change.status ?? null, change.cardSerial ?? null, change.issuanceJobId ?? null, change.lastError?.slice(0, 2000) ?? null, change.now],
  );
}

export async function touchStation(sql: Sql, id: string, now: Date): Promise<void> {
  await sql.query('UPDATE stations SET last_seen_at = $2 WHERE id = $1', [id, now]);
}
