// Issuance's ApprovalGate port (src/issuance/ports/approvals.ts) served by the
// staff approvals: issuance names the action its own way, the staff module
// stores 'revoke-key-compromise' and 'pin-reset'. Any refusal becomes
// issuance's lifecycle_approval_required (with the staff reason as cause).
import { issuanceError } from '../issuance/codes.js';
import type { ApprovalGate, ApprovalUse } from '../issuance/ports/approvals.js';
import type { ApprovalAction } from '../registry/repos/approvals.js';
import { isStaffError } from './codes.js';
import type { StaffDeps } from './deps.js';
import { executeApproval } from './approvals.js';

const actionOf = {
  'card.revoke.keyCompromise': 'revoke-key-compromise',
  'card.staff-reset': 'pin-reset',
} as const satisfies Record<ApprovalUse['action'], ApprovalAction>;

export function staffApprovalGate(deps: StaffDeps): ApprovalGate {
  return {
    async consume(use) {
      try {
        return await executeApproval(deps, use.approvalId, { action: actionOf[use.action], subject: use.subject }, use.actor);
      } catch (e) {
        if (isStaffError(e)) {
          throw issuanceError('lifecycle_approval_required', `This action needs a second staff member's approval: ${e.message}`, {
            cause: e,
            detail: { reason: e.code },
          });
        }
        throw e;
      }
    },
  };
}
