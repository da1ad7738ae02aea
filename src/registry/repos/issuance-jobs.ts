// Issuance jobs: the persisted state of one personalisation (every step is
// recorded, so a run can resume). Changes are optimistic: a job changes only if its
// version is still the one the runner read. At most one open job per card
// (unique index, migration 005) → issuance_in_progress.
import type { Sql } from '../sql.js';

export const jobStatuses = ['running', 'interrupted', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof jobStatuses)[number];

export interface JobRow {
  readonly id: string;
  readonly cardSerial: number;
  readonly citizenId: string;
  readonly status: JobStatus;
  readonly completedSteps: readonly string[];
  readonly data: unknown;
  readonly options: unknown;
  readonly version: number;
  readonly attempt: number;
  readonly leaseUntil: Date | undefined;
  readonly lastError: string | undefined;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

type Raw = {
  id: string;
  card_serial: number;
  citizen_id: string;
  status: JobStatus;
  completed_steps: string[];
  data: unknown;
  options: unknown;
  version: number;
  attempt: number;
  lease_until: Date | null;
  last_error: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

function toJob(r: Raw): JobRow {
  return {
    id: r.id,
    cardSerial: Number(r.card_serial),
    citizenId: r.citizen_id,
    status: r.status,
    completedSteps: r.completed_steps,
    data: r.data,
    options: r.options,
    version: Number(r.version),
    attempt: Number(r.attempt),
    leaseUntil: r.lease_until === null ? undefined : new Date(r.lease_until),
    lastError: r.last_error ?? undefined,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

export interface NewJob {
  readonly id: string;
  readonly cardSerial: number;
  readonly citizenId: string;
  readonly data: unknown;
  readonly options: unknown;
  readonly createdBy: string;
  readonly leaseUntil: Date | undefined;
}

/** Insert a running job. Throws issuance_in_progress when the card already has an open job. */
export async function insertJob(sql: Sql, j: NewJob, now: Date): Promise<JobRow> {
  const rows = await sql.query<Raw>(
    `INSERT INTO issuance_jobs (id, card_serial, citizen_id, status, completed_steps, data, options, version, attempt, lease_until,
                                last_error, created_by, created_at, updated_at)
     VALUES ($1, $2, $3, 'running', '{}', $4, $5, 1, 1, $6, NULL, $7, $8, $8) RETURNING *`,
    [j.id, j.cardSerial, j.citizenId, JSON.stringify(j.data), JSON.stringify(j.options), j.leaseUntil ?? null, j.createdBy, now],
  );
  return toJob(rows[0]!);
}

export async function jobById(sql: Sql, id: string): Promise<JobRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const r = (await sql.query<Raw>('SELECT * FROM issuance_jobs WHERE id = $1', [id]))[0];
  return r && toJob(r);
}

export async function openJobOfCard(sql: Sql, cardSerial: number): Promise<JobRow | undefined> {
  const r = (await sql.query<Raw>(`SELECT * FROM issuance_jobs WHERE card_serial = $1 AND status IN ('running', 'interrupted')`, [cardSerial]))[0];
  return r && toJob(r);
}

export async function listJobs(sql: Sql, q: { readonly status?: JobStatus; readonly limit: number }): Promise<JobRow[]> {
  const limit = Math.max(1, Math.min(q.limit, 500));
  const rows =
    q.status === undefined
      ? await sql.query<Raw>('SELECT * FROM issuance_jobs ORDER BY updated_at DESC, id LIMIT $1', [limit])
      : await sql.query<Raw>('SELECT * FROM issuance_jobs WHERE status = $1 ORDER BY updated_at DESC, id LIMIT $2', [q.status, limit]);
  return rows.map(toJob);
}

export interface JobChange {
  readonly status?: JobStatus;
  readonly completedSteps?: readonly string[];
  readonly data?: unknown;
  readonly attempt?: number;
  /** null clears it */
  readonly leaseUntil?: Date | null;
  /** null clears it */
  readonly lastError?: string | null;
}

/** Change a job if its version is still `version`; undefined when it is not (or the job is absent). */
export async function updateJobIfVersion(sql: Sql, id: string, version: number, change: JobChange, now: Date): Promise<JobRow | undefined> {
  const rows = await sql.query<Raw>(
    `UPDATE issuance_jobs SET
       status = COALESCE($3, status),
       completed_steps = COALESCE($4::text[], completed_steps),
       data = COALESCE($5::jsonb, data),
       attempt = COALESCE($6, attempt),
       lease_until = CASE WHEN $7 THEN $8::timestamptz ELSE lease_until END,
       last_error = CASE WHEN $9 THEN $10::text ELSE last_error END,
       version = version + 1,
       updated_at = $11
     WHERE id = $1 AND version = $2 RETURNING *`,
    [
      id,
      version,
      change.status ?? null,
      change.completedSteps === undefined ? null : [...change.completedSteps],
      change.data === undefined ? null : JSON.stringify(change.data),
      change.attempt ?? null,
      change.leaseUntil !== undefined,
      change.leaseUntil ?? null,
      change.lastError !== undefined,
      change.lastError ?? null,
      now,
    ],
  );
  return rows[0] && toJob(rows[0]);
}
