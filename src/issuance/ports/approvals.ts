// Four-eyes approval: sensitive actions — staff-assisted PIN reset and
// revocation for key compromise — need a second staff member's approval, and
// nobody approves their own request. The staff
// module owns requests and approvals; issuance only asks to use one.
import type { Actor } from './registry.js';

export interface ApprovalUse {
  readonly approvalId: string;
  /** What the approval must be for, exactly. */
  readonly action: 'card.revoke.keyCompromise' | 'card.staff-reset';
  readonly subject: string;
  /** The staff member carrying the action out (must be the requester; the approver must differ). */
  readonly actor: Actor;
}

export interface ApprovalGate {
  /**
   * Consume an approval: it must exist, be granted by someone other than the
   * requester, match action and subject, and not be used before. Returns who
   * approved; throws lifecycle_approval_required otherwise.
   */
  consume(use: ApprovalUse): Promise<{ readonly approvedBy: string }>;
}
