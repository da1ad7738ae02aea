// Staff accounts. Only the argon2id hash of a password is stored (and never
// audited); disabling an account or changing its password bumps
// session_generation, which every session check compares (src/staff/sessions).
import { appendAudit } from '../audit/append.js';
import type { Sql } from '../sql.js';

export const staffRoles = ['admin', 'supervisor', 'officer', 'auditor'] as const;
export type StaffRole = (typeof staffRoles)[number];

export interface StaffRow {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: StaffRole;
  readonly passwordHash: string;
  readonly disabled: boolean;
  readonly sessionGeneration: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly passwordChangedAt: Date;
}

type Raw = {
  id: string;
  username: string;
  display_name: string;
  role: StaffRole;
  password_hash: string;
  disabled: boolean;
  session_generation: number;
  created_at: Date;
  updated_at: Date;
  password_changed_at: Date;
}

function toStaff(r: Raw): StaffRow {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    passwordHash: r.password_hash,
    disabled: r.disabled,
    sessionGeneration: Number(r.session_generation),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    passwordChangedAt: new Date(r.password_changed_at),
  };
}

export interface NewStaff {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: StaffRole;
  readonly passwordHash: string;
}

/**
 * Insert a staff account. With `onlyIfNoAdmin`, the insert happens only while
 * no admin exists (the first admin, created without a session): checked under
 * an advisory lock so two concurrent first-admin creations cannot both succeed.
 * Returns undefined when that condition fails. Throws registry_constraint
 * (constraint staff_username_key) for a taken username.
 */
export async function insertStaff(
  sql: Sql,
  s: NewStaff,
  actor: string,
  now: Date,
  options: { onlyIfNoAdmin?: boolean } = {},
): Promise<StaffRow | undefined> {
  return sql.transaction(async (tx) => {
    if (options.onlyIfNoAdmin) {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [0x73746166]); // 'staf'
      const admins = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM staff WHERE role = 'admin'`);
      if ((admins[0]?.n ?? 0) > 0) return undefined;
    }
    const rows = await tx.query<Raw>(
      `INSERT INTO staff (id, username, display_name, role, password_hash, disabled, session_generation, created_at, updated_at, password_changed_at)
       VALUES ($1, $2, $3, $4, $5, false, 0, $6, $6, $6) RETURNING *`,
      [s.id, s.username, s.displayName, s.role, s.passwordHash, now],
    );
    await appendAudit(tx, { actor, action: 'staff.create', subject: `staff:${s.id}`, data: { username: s.username, role: s.role }, at: now });
    return toStaff(rows[0]!);
  });
}

export async function staffByUsername(sql: Sql, username: string): Promise<StaffRow | undefined> {
  const r = (await sql.query<Raw>('SELECT * FROM staff WHERE username = $1', [username]))[0];
  return r && toStaff(r);
}

export async function staffById(sql: Sql, id: string): Promise<StaffRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const r = (await sql.query<Raw>('SELECT * FROM staff WHERE id = $1', [id]))[0];
  return r && toStaff(r);
}

export async function listStaff(sql: Sql): Promise<StaffRow[]> {
  return (await sql.query<Raw>('SELECT * FROM staff ORDER BY username')).map(toStaff);
}

export async function countAdmins(sql: Sql): Promise<number> {
  return (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM staff WHERE role = 'admin' AND NOT disabled`))[0]?.n ?? 0;
}

/** Disable or enable an account; disabling ends its sessions (generation bump). */
export async function setStaffDisabled(sql: Sql, id: string, disabled: boolean, actor: string, now: Date): Promise<StaffRow | undefined> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query<Raw>(
      `UPDATE staff SET disabled = $2, session_generation = session_generation + 1, updated_at = $3 WHERE id = $1 RETURNING *`,
      [id, disabled, now],
    );
    if (!rows[0]) return undefined;
    await appendAudit(tx, { actor, action: disabled ? 'staff.disable' : 'staff.enable', subject: `staff:${id}`, data: {}, at: now });
    return toStaff(rows[0]);
  });
}

export async function setStaffRole(sql: Sql, id: string, role: StaffRole, actor: string, now: Date): Promise<StaffRow | undefined> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query<Raw>(
      'UPDATE staff SET role = $2, session_generation = session_generation + 1, updated_at = $3 WHERE id = $1 RETURNING *',
      [id, role, now],
    );
    if (!rows[0]) return undefined;
    await appendAudit(tx, { actor, action: 'staff.role', subject: `staff:${id}`, data: { role }, at: now });
    return toStaff(rows[0]);
  });
}

/** Replace the password hash; every existing session of the account ends. */
export async function setStaffPasswordHash(sql: Sql, id: string, passwordHash: string, actor: string, now: Date): Promise<StaffRow | undefined> {
  return sql.transaction(async (tx) => {
    const rows = await tx.query<Raw>(
      `UPDATE staff SET password_hash = $2, session_generation = session_generation + 1, updated_at = $3, password_changed_at = $3
       WHERE id = $1 RETURNING *`,
      [id, passwordHash, now],
    );
    if (!rows[0]) return undefined;
    await appendAudit(tx, { actor, action: 'staff.password-change', subject: `staff:${id}`, data: {}, at: now });
    return toStaff(rows[0]);
  });
}

/** Username and display name of each of these accounts (for lists that name who did what). */
export async function staffNames(sql: Sql, ids: readonly string[]): Promise<Map<string, { readonly username: string; readonly displayName: string }>> {
  const wanted = [...new Set(ids.filter((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)))];
  if (wanted.length === 0) return new Map();
  const rows = await sql.query<{ id: string; username: string; display_name: string }>('SELECT id, username, display_name FROM staff WHERE id = ANY($1::uuid[])', [wanted]);
  return new Map(rows.map((r) => [r.id, { username: r.username, displayName: r.display_name }]));
}
