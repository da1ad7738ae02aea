// Expiry (docs/architecture.md, flow 1 lifecycle). Certificates end no later than the
// card (profile: "validity capped by the card's expiry"), so relying parties
// already refuse them by date; this marks the cards expired in the registry
// (audited), which ends their place in "active card of the citizen" and
// lets a new card be issued without a replacement. Certificate status is
// left as it was: RFC 5280 §3.3 drops expired certificates from the CRL
// anyway, and a revoked one stays revoked.
import type { Clock } from '../../util/clock.js';
import { requirePermission } from '../../access/permissions.js';
import type { Actor, IssuanceRegistry } from '../ports/registry.js';
import type { CardSerial } from '../types.js';

export async function expireCards(
  deps: { readonly registry: IssuanceRegistry; readonly clock: Clock },
  actor: Actor,
  limit = 500,
): Promise<CardSerial[]> {
  requirePermission(actor, 'card.expire');
  const now = deps.clock.now();
  const due = await deps.registry.cardsExpiredBy(now, limit);
  const done: CardSerial[] = [];
  for (const card of due) {
    await deps.registry.changeCardStatus({
      cardSerial: card.serial,
      fromCardStatus: ['active', 'hold', 'pending_activation'],
      cardStatus: 'expired',
      certificates: { status: 'good' },
      from: [],
      auditAction: 'card.expire',
      auditDetail: { expiresAt: card.expiresAt.toISOString() },
      actor,
      now,
    });
    done.push(card.serial);
  }
  return done;
}
