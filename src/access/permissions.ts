// What each staff role may do: the one table. The officer enrols citizens and
// personalises cards; the supervisor approves, suspends, resumes and revokes;
// the auditor reads and verifies the audit log; the admin manages staff,
// stations and relying parties; `system` is the service acting on its own
// (expiry). Every route, command and operation that acts for a person checks
// it before acting, through requirePermission.
//
// A refusal answers with the code of the area the action belongs to
// (staff_forbidden for staff, approvals, audit and relying parties;
// issuance_forbidden for citizens, stock and cards), so each area's callers
// see one code.
import { AppError } from '../errors/app-error.js';

type Area = 'staff' | 'issuance';

const table = {
  'staff.manage': { area: 'staff', roles: ['admin'] },
  'staff.read': { area: 'staff', roles: ['admin', 'auditor'] },
  'rp.manage': { area: 'staff', roles: ['admin'] },
  'station.manage': { area: 'staff', roles: ['admin'] },
  'station.read': { area: 'staff', roles: ['admin', 'supervisor', 'officer'] },
  'audit.read': { area: 'staff', roles: ['auditor', 'admin', 'supervisor'] },
  'audit.verify': { area: 'staff', roles: ['auditor', 'admin'] },
  'approval.request': { area: 'staff', roles: ['officer', 'supervisor'] },
  'approval.decide': { area: 'staff', roles: ['supervisor'] },
  'approval.read': { area: 'staff', roles: ['officer', 'supervisor', 'auditor', 'admin'] },
  'citizen.enrol': { area: 'issuance', roles: ['officer', 'supervisor'] },
  'citizen.read': { area: 'issuance', roles: ['officer', 'supervisor', 'auditor'] },
  'stock.receive': { area: 'issuance', roles: ['officer', 'supervisor'] },
  'card.personalise': { area: 'issuance', roles: ['officer'] },
  'card.activate': { area: 'issuance', roles: ['officer', 'supervisor'] },
  'card.read': { area: 'issuance', roles: ['officer', 'supervisor', 'auditor'] },
  'card.suspend': { area: 'issuance', roles: ['supervisor'] },
  'card.resume': { area: 'issuance', roles: ['supervisor'] },
  'card.revoke': { area: 'issuance', roles: ['supervisor'] },
  'card.replace': { area: 'issuance', roles: ['officer'] },
  'card.unblock-pin': { area: 'issuance', roles: ['officer', 'supervisor'] },
  'card.staff-reset': { area: 'issuance', roles: ['officer', 'supervisor'] },
  'card.expire': { area: 'issuance', roles: ['supervisor', 'system'] },
} as const satisfies Record<string, { readonly area: Area; readonly roles: readonly string[] }>;

export type Permission = keyof typeof table;
export const permissions: Readonly<Record<Permission, { readonly area: Area; readonly roles: readonly string[] }>> = table;

export function can(role: string, permission: Permission): boolean {
  return table[permission].roles.includes(role as never);
}

/** Throws `<area>_forbidden` (403) unless `who` has `permission`. */
export function requirePermission(who: { readonly role: string }, permission: Permission): void {
  if (can(who.role, permission)) return;
  const { area } = table[permission];
  throw new AppError(`${area}_forbidden`, `The role ${who.role} may not ${permission}`, 403, { detail: area === 'staff' ? { permission } : { action: permission } });
}
