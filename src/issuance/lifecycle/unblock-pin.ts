// PIN unblock with the PUK at a reader (docs/architecture.md, flow 1
// lifecycle). RESET RETRY COUNTER (SP 800-73-4 Part 2
// §3.2.3) with the PUK and the new PIN, both typed on the pad and sent only
// to the card. A wrong PUK costs a PUK try; the card counts, not us.
// Refused for cards that are revoked, superseded, expired or wiped: there is
// nothing left to unblock for.
import type { CardChannel } from '../../card/channel.js';
import type { Clock } from '../../util/clock.js';
import { issuanceError } from '../codes.js';
import { weakPinReason } from '../lib/pin-rules.js';
import { requirePermission } from '../../access/permissions.js';
import type { Actor, IssuanceRegistry } from '../ports/registry.js';
import type { PinPad } from '../ports/station.js';
import type { CardSerial } from '../types.js';
import { openIssuedCard } from './open-issued-card.js';

export async function unblockPinWithPuk(
  deps: { readonly registry: IssuanceRegistry; readonly clock: Clock },
  channel: CardChannel,
  pinPad: PinPad,
  actor: Actor,
): Promise<CardSerial> {
  requirePermission(actor, 'card.unblock-pin');
  const { piv, card } = await openIssuedCard(channel, deps.registry);
  if (card.status !== 'active' && card.status !== 'hold' && card.status !== 'pending_activation') {
    throw issuanceError('card_state_invalid', `Card ${card.serial} is ${card.status}`);
  }
  const puk = await pinPad.readPin({ purpose: 'PUK' });
  const newPin = await pinPad.readNewPin({ attempt: 1 });
  try {
    const weak = weakPinReason(newPin);
    if (weak !== undefined) throw issuanceError('issuance_pin_entry_failed', weak);
    const r = await piv.unblockPin(puk, newPin);
    if (!r.ok) {
      if (r.reason === 'puk-blocked') throw issuanceError('lifecycle_puk_blocked', 'The PUK is blocked; the card must be replaced');
      if (r.reason === 'wrong-puk') throw issuanceError('lifecycle_wrong_puk', `Wrong PUK (${r.triesLeft} tries left)`, { detail: { triesLeft: r.triesLeft } });
      throw issuanceError('issuance_pin_entry_failed', 'The card refused the new PIN');
    }
  } finally {
    puk.fill(0);
    newPin.fill(0);
  }
  await deps.registry.recordCardEvent(card.serial, 'card.pin-unblock', { with: 'PUK' }, actor, deps.clock.now());
  return card.serial;
}
