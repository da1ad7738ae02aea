// Which staff role may do what in issuance (issue 4 "Staff": officer enrols and
// personalises; supervisor approves, suspends, revokes; auditor reads). One
// table, checked at the start of every operation that acts for a person.
import { issuanceError } from './codes.js';
import type { Actor } from './ports/registry.js';

export const issuancePermissions = {
  'citizen.enrol': ['officer', 'supervisor'],
  'citizen.read': ['officer', 'supervisor', 'auditor'],
  'stock.receive': ['officer', 'supervisor'],
  'card.personalise': ['officer'],
  'card.activate': ['officer', 'supervisor'],
  'card.read': ['officer', 'supervisor', 'auditor'],
  'card.suspend': ['supervisor'],
  'card.resume': ['supervisor'],
  'card.revoke': ['supervisor'],
  'card.replace': ['officer'],
  'card.unblock-pin': ['officer', 'supervisor'],
  'card.staff-reset': ['officer', 'supervisor'],
  'card.expire': ['supervisor', 'system'],
} as const satisfies Record<string, readonly string[]>;
export type IssuanceAction = keyof typeof issuancePermissions;

export function requirePermission(actor: Actor, action: IssuanceAction): void {
  if (!(issuancePermissions[action] as readonly string[]).includes(actor.role)) {
    throw issuanceError('issuance_forbidden', `The role ${actor.role} may not ${action}`, { detail: { action } });
  }
}
