// Staff account management: the first admin may be created
// without a session, and only while no admin exists; after that only an admin
// adds, disables or re-roles staff. The last active admin cannot be disabled
// or demoted (nobody could manage staff any more).
import { randomUUID } from 'node:crypto';
import { isRegistryError } from '../registry/codes.js';
import {
  countAdmins,
  insertStaff,
  listStaff,
  setStaffDisabled,
  setStaffPasswordHash,
  setStaffRole,
  staffById,
  staffRoles,
  type StaffRole,
  type StaffRow,
} from '../registry/repos/staff.js';
import { staffError } from './codes.js';
import type { StaffDeps } from './deps.js';
import { checkPasswordPolicy, hashPassword } from './password.js';
import { requirePermission } from '../access/permissions.js';
import type { StaffPrincipal } from './principal.js';

const USERNAME = /^[a-z][a-z0-9._-]{2,31}$/;

export interface NewStaffInput {
  readonly username: string;
  readonly displayName: string;
  readonly role: string;
  readonly password: string;
}

/** The public view of an account: never the hash. */
export interface StaffView {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: StaffRole;
  readonly disabled: boolean;
  readonly createdAt: string;
}

export function viewStaff(s: StaffRow): StaffView {
  return { id: s.id, username: s.username, displayName: s.displayName, role: s.role, disabled: s.disabled, createdAt: s.createdAt.toISOString() };
}

function validate(input: NewStaffInput): { username: string; displayName: string; role: StaffRole } {
  const username = input.username.trim();
  if (!USERNAME.test(username)) {
    throw staffError('staff_invalid', 'The username must be 3–32 characters: a lower-case letter, then lower-case letters, digits, dot, dash or underscore', {
      detail: { field: 'username' },
    });
  }
  const displayName = input.displayName.trim();
  if (displayName.length < 1 || displayName.length > 100 || /[\u0000-\u001f\u007f]/.test(displayName)) {
    throw staffError('staff_invalid', 'The display name must be 1–100 printable characters', { detail: { field: 'displayName' } });
  }
  if (!(staffRoles as readonly string[]).includes(input.role)) {
    throw staffError('staff_invalid', `The role must be one of ${staffRoles.join(', ')}`, { detail: { field: 'role' } });
  }
  return { username, displayName, role: input.role as StaffRole };
}

/**
 * Add a staff account. `by` undefined means "no session": allowed only for the
 * first admin (staff_admin_exists otherwise). Throws staff_invalid,
 * staff_password_weak, staff_username_taken, staff_forbidden.
 */
export async function addStaff(deps: StaffDeps, by: StaffPrincipal | undefined, input: NewStaffInput): Promise<StaffView> {
  const v = validate(input);
  checkPasswordPolicy(input.password, v.username);
  if (by === undefined) {
    if (v.role !== 'admin') throw staffError('staff_session_required', 'Without a session only the first administrator can be created');
    if ((await countAdmins(deps.sql)) > 0) throw staffError('staff_admin_exists', 'An administrator exists already; sign in as one to add staff');
  } else {
    requirePermission(by, 'staff.manage');
  }
  const passwordHash = await hashPassword(input.password);
  try {
    const row = await insertStaff(
      deps.sql,
      { id: randomUUID(), username: v.username, displayName: v.displayName, role: v.role, passwordHash },
      by ? `staff:${by.staffId}` : 'bootstrap',
      deps.clock.now(),
      { onlyIfNoAdmin: by === undefined },
    );
    if (!row) throw staffError('staff_admin_exists', 'An administrator exists already; sign in as one to add staff');
    return viewStaff(row);
  } catch (e) {
    if (isRegistryError(e, 'registry_constraint') && e.detail?.['constraint'] === 'staff_username_key') {
      throw staffError('staff_username_taken', `The username ${v.username} is already taken`);
    }
    throw e;
  }
}

export async function listStaffAccounts(deps: StaffDeps, by: StaffPrincipal): Promise<StaffView[]> {
  requirePermission(by, 'staff.read');
  return (await listStaff(deps.sql)).map(viewStaff);
}

async function target(deps: StaffDeps, id: string): Promise<StaffRow> {
  const s = await staffById(deps.sql, id);
  if (!s) throw staffError('staff_not_found', 'No such staff account');
  return s;
}

/** Disable (ending its sessions at once) or enable an account. */
export async function setDisabled(deps: StaffDeps, by: StaffPrincipal, id: string, disabled: boolean): Promise<StaffView> {
  requirePermission(by, 'staff.manage');
  const s = await target(deps, id);
  return deps.sql.transaction(async (tx) => {
    if (disabled && s.role === 'admin' && !s.disabled) {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [0x73746166]);
      if ((await countAdmins(tx)) <= 1) throw staffError('staff_last_admin', 'The last active administrator cannot be disabled');
    }
    const row = await setStaffDisabled(tx, id, disabled, `staff:${by.staffId}`, deps.clock.now());
    if (!row) throw staffError('staff_not_found', 'No such staff account');
    return viewStaff(row);
  });
}

export async function changeRole(deps: StaffDeps, by: StaffPrincipal, id: string, role: string): Promise<StaffView> {
  requirePermission(by, 'staff.manage');
  if (!(staffRoles as readonly string[]).includes(role)) throw staffError('staff_invalid', `The role must be one of ${staffRoles.join(', ')}`);
  const s = await target(deps, id);
  return deps.sql.transaction(async (tx) => {
    if (s.role === 'admin' && role !== 'admin' && !s.disabled) {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [0x73746166]);
      if ((await countAdmins(tx)) <= 1) throw staffError('staff_last_admin', 'The last active administrator cannot be demoted');
    }
    const row = await setStaffRole(tx, id, role as StaffRole, `staff:${by.staffId}`, deps.clock.now());
    if (!row) throw staffError('staff_not_found', 'No such staff account');
    return viewStaff(row);
  });
}

/** Set a new password (the account itself, or an admin); every session of the account ends. */
export async function changePassword(deps: StaffDeps, by: StaffPrincipal, id: string, password: string): Promise<void> {
  if (by.staffId !== id) requirePermission(by, 'staff.manage');
  const s = await target(deps, id);
  checkPasswordPolicy(password, s.username);
  await setStaffPasswordHash(deps.sql, id, await hashPassword(password), `staff:${by.staffId}`, deps.clock.now());
}
