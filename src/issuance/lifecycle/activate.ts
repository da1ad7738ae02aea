// Hand-over activation (flow 1 step 8 of docs/architecture.md: the
// certificates may be issued on hold and activated when the citizen proves
// the PIN at hand-over). The citizen types the PIN on the station's pad; VERIFY runs
// on the card (CardholderSteps.verifyPin, at the station: the PIN never
// reaches the service); on success the card
// becomes active and its certificates good, audited, in one transaction.
import type { CardChannel } from '../../card/channel.js';
import type { Clock } from '../../util/clock.js';
import { issuanceError } from '../codes.js';
import { requirePermission } from '../../access/permissions.js';
import type { Actor, IssuanceRegistry } from '../ports/registry.js';
import type { CardholderSteps } from '../ports/cardholder.js';
import type { CardSerial } from '../types.js';
import { openIssuedCard } from './open-issued-card.js';

export async function activateCard(
  deps: { readonly registry: IssuanceRegistry; readonly clock: Clock },
  channel: CardChannel,
  cardholder: CardholderSteps,
  actor: Actor,
): Promise<CardSerial> {
  requirePermission(actor, 'card.activate');
  const { piv, card } = await openIssuedCard(channel, deps.registry);
  if (card.status !== 'pending_activation') {
    throw issuanceError('card_state_invalid', `Card ${card.serial} is ${card.status}, not waiting for activation`);
  }
  await cardholder.verifyPin('activate the card');
  // Learned from the card, not from whoever ran the step: the PIN is verified now.
  const status = await piv.pinStatus();
  if (status.state !== 'verified') throw issuanceError('lifecycle_wrong_pin', 'The card does not show the PIN verified');
  await piv.logout();
  await deps.registry.changeCardStatus({
    cardSerial: card.serial,
    fromCardStatus: ['pending_activation'],
    cardStatus: 'active',
    certificates: { status: 'good' },
    from: ['hold'],
    auditAction: 'card.activate',
    auditDetail: { proof: 'PIN verified on card' },
    actor,
    now: deps.clock.now(),
  });
  return card.serial;
}
