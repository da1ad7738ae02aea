// What each staff role may do (issue 4 "Staff": officer enrols and
// personalises; supervisor approves, suspends, revokes; auditor reads and
// verifies the audit log; admin manages staff and relying parties). One table;
// every route and command checks it before acting. Issuance keeps its own
// finer table (src/issuance/permissions.ts) for its operations.
import { staffError } from './codes.js';
import type { StaffRole } from '../registry/repos/staff.js';

export const staffPermissions = {
  'staff.manage': ['admin'],
  'staff.read': ['admin', 'auditor'],
  'rp.manage': ['admin'],
  'audit.read': ['auditor', 'admin', 'supervisor'],
  'audit.verify': ['auditor', 'admin'],
  'approval.request': ['officer', 'supervisor'],
  'approval.decide': ['supervisor'],
  'approval.read': ['officer', 'supervisor', 'auditor', 'admin'],
  'citizen.enrol': ['officer', 'supervisor'],
  'card.personalise': ['officer'],
  'card.suspend': ['supervisor'],
  'card.revoke': ['supervisor'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type StaffPermission = keyof typeof staffPermissions;

export function can(role: StaffRole, permission: StaffPermission): boolean {
  return (staffPermissions[permission] as readonly StaffRole[]).includes(role);
}

/** Throws staff_forbidden unless `who` has `permission`. */
export function requirePermission(who: { readonly role: StaffRole }, permission: StaffPermission): void {
  if (!can(who.role, permission)) {
    throw staffError('staff_forbidden', `The role ${who.role} may not ${permission}`, { detail: { permission } });
  }
}
