// Who a request or command acts for: a signed-in staff member. Compatible with
// issuance's Actor ({ staffId, role }).
import type { StaffRole } from '../registry/repos/staff.js';

export interface StaffPrincipal {
  readonly staffId: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: StaffRole;
  /** Short, non-secret id of the session (a prefix of the token's hash), for logs. */
  readonly sessionId: string;
}
