// PIN unblock with the PUK at a reader (docs/architecture.md, flow 1
// lifecycle). RESET RETRY COUNTER (SP 800-73-4 Part 2 §3.2.3) with the PUK
// and the new PIN, both typed on the station's pad and sent only to the card
// (CardholderSteps.unblockPin, at the station). A wrong PUK costs a PUK try;
// the card counts, not us.
// Refused for cards that are revoked, superseded, expired or wiped: there is
// nothing left to unblock for.
import type { CardChannel } from '../../card/channel.js';
import type { Clock } from '../../util/clock.js';
import { issuanceError } from '../codes.js';
import { requirePermission } from '../../access/permissions.js';
import type { Actor, IssuanceRegistry } from '../ports/registry.js';
import type { CardholderSteps } from '../ports/cardholder.js';
import type { CardSerial } from '../types.js';
import { openIssuedCard } from './open-issued-card.js';

export async function unblockPinWithPuk(
  deps: { readonly registry: IssuanceRegistry; readonly clock: Clock },
  channel: CardChannel,
  cardholder: CardholderSteps,
  actor: Actor,
): Promise<CardSerial> {
  requirePermission(actor, 'card.unblock-pin');
  const { piv, card } = await openIssuedCard(channel, deps.registry);
  if (card.status !== 'active' && card.status !== 'hold' && card.status !== 'pending_activation') {
    throw issuanceError('card_state_invalid', `Card ${card.serial} is ${card.status}`);
  }
  await cardholder.unblockPin();
  // Learned from the card, not from whoever ran the step: the PIN has tries again.
  const after = await piv.getRetries();
  if (!after.ok || after.pin.remaining === 0) throw issuanceError('issuance_pin_entry_failed', 'The card still shows the PIN blocked');
  await deps.registry.recordCardEvent(card.serial, 'card.pin-unblock', { with: 'PUK' }, actor, deps.clock.now());
  return card.serial;
}
