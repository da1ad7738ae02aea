// Suspend, resume and revoke (docs/architecture.md, flow 1 lifecycle: suspend
// / resume with certificateHold, revoke with a reason code, permanent). Each is one registry
// transaction changing the card and its certificates together with the
// audit entry; OCSP and the CRL read certificate status from the registry,
// so they reflect the change at once.
//
// RFC 5280 §5.3.1: certificateHold is reversible, every other reason is
// final; a revoked certificate never returns (the `from` lists enforce it).
// Revocation for keyCompromise needs a second staff member's approval.
import type { Clock } from '../../util/clock.js';
import { issuanceError } from '../codes.js';
import { requirePermission } from '../../access/permissions.js';
import type { ApprovalGate } from '../ports/approvals.js';
import type { Actor, CertificateRecord, IssuanceRegistry } from '../ports/registry.js';
import { revocationReasons, type CardSerial, type RevocationReason } from '../types.js';

export interface LifecycleDeps {
  readonly registry: IssuanceRegistry;
  readonly clock: Clock;
  readonly approvals: ApprovalGate;
  /** The published status views of this process (OCSP response cache, CRL), dropped after a change. */
  readonly publication?: StatusPublication;
}

export interface StatusPublication {
  invalidate(): void;
}

async function changed<T>(deps: LifecycleDeps, p: Promise<T>): Promise<T> {
  const out = await p;
  deps.publication?.invalidate();
  return out;
}

export async function suspendCard(deps: LifecycleDeps, serial: CardSerial, actor: Actor, note?: string): Promise<CertificateRecord[]> {
  requirePermission(actor, 'card.suspend');
  return changed(deps, deps.registry.changeCardStatus({
    cardSerial: serial,
    fromCardStatus: ['active'],
    cardStatus: 'hold',
    certificates: { status: 'hold' },
    from: ['good'],
    auditAction: 'card.suspend',
    auditDetail: note === undefined ? {} : { note },
    actor,
    now: deps.clock.now(),
  }));
}

export async function resumeCard(deps: LifecycleDeps, serial: CardSerial, actor: Actor, note?: string): Promise<CertificateRecord[]> {
  requirePermission(actor, 'card.resume');
  return changed(deps, deps.registry.changeCardStatus({
    cardSerial: serial,
    fromCardStatus: ['hold'],
    cardStatus: 'active',
    certificates: { status: 'good' },
    from: ['hold'],
    auditAction: 'card.resume',
    auditDetail: note === undefined ? {} : { note },
    actor,
    now: deps.clock.now(),
  }));
}

export async function revokeCard(
  deps: LifecycleDeps,
  serial: CardSerial,
  reason: string,
  actor: Actor,
  options: { readonly approvalId?: string; readonly note?: string } = {},
): Promise<CertificateRecord[]> {
  requirePermission(actor, 'card.revoke');
  if (!(revocationReasons as readonly string[]).includes(reason)) {
    throw issuanceError('lifecycle_reason_invalid', `Revocation reason must be one of ${revocationReasons.join(', ')}`, {
      detail: { allowed: revocationReasons },
    });
  }
  if (reason === 'superseded') {
    // Superseded is what replacement writes, together with the new card.
    throw issuanceError('lifecycle_reason_invalid', 'Use card replacement to supersede a card');
  }
  const card = await deps.registry.getCard(serial);
  if (card === undefined) throw issuanceError('card_not_found', `No issued card ${serial}`);
  let approvedBy: string | undefined;
  if (reason === 'keyCompromise') {
    if (options.approvalId === undefined) {
      throw issuanceError('lifecycle_approval_required', 'Revocation for key compromise needs a second staff member’s approval');
    }
    approvedBy = (await deps.approvals.consume({ approvalId: options.approvalId, action: 'card.revoke.keyCompromise', subject: String(serial), actor }))
      .approvedBy;
  }
  return changed(deps, deps.registry.changeCardStatus({
    cardSerial: serial,
    fromCardStatus: ['active', 'hold', 'pending_activation'],
    cardStatus: 'revoked',
    certificates: { status: 'revoked', reason: reason as RevocationReason },
    from: ['good', 'hold'],
    auditAction: 'card.revoke',
    auditDetail: { reason, ...(approvedBy === undefined ? {} : { approvedBy }), ...(options.note === undefined ? {} : { note: options.note }) },
    actor,
    now: deps.clock.now(),
  }));
}
