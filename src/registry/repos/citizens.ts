// Citizens in the registry. Every change writes its audit entry in the same
// transaction. The database enforces the formats too (migration 003), so a
// caller that skipped validation still cannot store nonsense.
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/append.js';
import type { Sql } from '../sql.js';

export interface CitizenRow {
  readonly id: string;
  readonly nationalId: string;
  readonly surname: string;
  readonly givenName: string;
  /** The name in Latin letters (upper case), when enrolled with one. */
  readonly surnameLatin: string | undefined;
  readonly givenNameLatin: string | undefined;
  /** YYYY-MM-DD */
  readonly birthDate: string;
  readonly country: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewCitizen {
  readonly nationalId: string;
  readonly surname: string;
  readonly givenName: string;
  readonly surnameLatin?: string | undefined;
  readonly givenNameLatin?: string | undefined;
  readonly birthDate: string;
  readonly country: string;
}

const COLUMNS = 'id, national_id, surname, given_name, surname_latin, given_name_latin, birth_date::text AS birth_date, country, created_at, updated_at';

type Raw = {
  id: string;
  national_id: string;
  surname: string;
  given_name: string;
  surname_latin: string | null;
  given_name_latin: string | null;
  birth_date: string;
  country: string;
  created_at: Date;
  updated_at: Date;
}

function toCitizen(r: Raw): CitizenRow {
  return {
    id: r.id,
    nationalId: r.national_id,
    surname: r.surname,
    givenName: r.given_name,
    surnameLatin: r.surname_latin ?? undefined,
    givenNameLatin: r.given_name_latin ?? undefined,
    birthDate: r.birth_date,
    country: r.country,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

/** Enrol a citizen. Throws citizen_exists for a national ID already enrolled. */
export async function insertCitizen(sql: Sql, c: NewCitizen, actor: string, now: Date, id: string = randomUUID()): Promise<CitizenRow> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query<Raw>(
      `INSERT INTO citizens (id, national_id, surname, given_name, surname_latin, given_name_latin, birth_date, country, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $8, $9, $5, $6, $7, $7) RETURNING ${COLUMNS}`,
      [id, c.nationalId, c.surname, c.givenName, c.birthDate, c.country, now, c.surnameLatin ?? null, c.givenNameLatin ?? null],
    );
    // The national ID is the citizen's identifier, not a secret; names stay out of the log.
    await appendAudit(tx, { actor, action: 'citizen.enrol', subject: `citizen:${id}`, data: { nationalId: c.nationalId, country: c.country }, at: now });
    return toCitizen(rows[0]!);
  });
}

export async function citizenByNationalId(sql: Sql, nationalId: string): Promise<CitizenRow | undefined> {
  const r = (await sql.query<Raw>(`SELECT ${COLUMNS} FROM citizens WHERE national_id = $1`, [nationalId]))[0];
  return r && toCitizen(r);
}

export async function citizenById(sql: Sql, id: string): Promise<CitizenRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const r = (await sql.query<Raw>(`SELECT ${COLUMNS} FROM citizens WHERE id = $1`, [id]))[0];
  return r && toCitizen(r);
}

/** Citizens whose surname, in the national script or in Latin letters, starts with `surname` (case-insensitive), by surname. */
export async function searchCitizens(sql: Sql, q: { readonly surname?: string; readonly limit: number }): Promise<CitizenRow[]> {
  const limit = Math.max(1, Math.min(q.limit, 500));
  if (q.surname === undefined) {
    return (await sql.query<Raw>(`SELECT ${COLUMNS} FROM citizens ORDER BY surname, given_name, id LIMIT $1`, [limit])).map(toCitizen);
  }
  const prefix = q.surname.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`);
  return (
    await sql.query<Raw>(
      `SELECT ${COLUMNS} FROM citizens WHERE lower(surname) LIKE $1 OR lower(surname_latin) LIKE $1 ORDER BY surname, given_name, id LIMIT $2`,
      [`${prefix}%`, limit],
    )
  ).map(toCitizen);
}

/** Correct a citizen's names (audited with which fields changed, not their values). */
export async function updateCitizenNames(
  sql: Sql,
  id: string,
  change: { readonly surname?: string; readonly givenName?: string },
  actor: string,
  now: Date,
): Promise<CitizenRow | undefined> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query<Raw>(
      `UPDATE citizens SET surname = COALESCE($2, surname), given_name = COALESCE($3, given_name), updated_at = $4
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, change.surname ?? null, change.givenName ?? null, now],
    );
    if (!rows[0]) return undefined;
    await appendAudit(tx, { actor, action: 'citizen.update', subject: `citizen:${id}`, data: { fields: Object.keys(change).sort() }, at: now });
    return toCitizen(rows[0]);
  });
}
