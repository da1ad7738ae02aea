// Staff-assisted PIN/PUK reset with four-eyes approval: a second staff
// member approves it, because it gives a new PIN to a card that holds the
// citizen's keys.
//
// What the card allows (SP 800-73-4 Part 2 §3.2; Yubico PIV extensions):
// - The management key does NOT give access to the PIN or the PUK. No command
//   sets the PIN from the management key alone; that is by design, or anyone
//   holding the issuer's keys could use the citizen's signature key.
// - SET PIN RETRIES (INS FA) needs the management key AND the PIN verified,
//   and puts PIN and PUK back to their factory values, keeping the keys.
// - RESET (INS FB) needs PIN and PUK blocked and destroys every key.
// So, with the card's diversified management key:
// - PUK lost or blocked, PIN known → this operation: citizen VERIFY PIN,
//   staff FA with the card's counters, citizen chooses a new PIN, a new PUK
//   is shown once. Keys and certificates stay valid.
// - PIN blocked, PUK known → the citizen unblocks with the PUK (unblock-pin.ts).
// - PIN and PUK both blocked → nothing can recover the keys; the card is
//   replaced (replace.ts), which revokes its certificates as superseded.
import type { CardChannel } from '../../card/channel.js';
import type { Clock } from '../../util/clock.js';
import { issuanceError } from '../codes.js';
import { cardRefused } from '../lib/card-refused.js';
import { requirePermission } from '../../access/permissions.js';
import type { ApprovalGate } from '../ports/approvals.js';
import type { ManagementKeySource } from '../ports/management-key.js';
import type { Actor, IssuanceRegistry } from '../ports/registry.js';
import type { CardholderSteps } from '../ports/cardholder.js';
import type { CardSerial, ManagementKeyType } from '../types.js';
import { openIssuedCard } from './open-issued-card.js';

export interface StaffResetDeps {
  readonly registry: IssuanceRegistry;
  readonly clock: Clock;
  readonly approvals: ApprovalGate;
  readonly managementKeys: ManagementKeySource;
}

export async function staffAssistedReset(
  deps: StaffResetDeps,
  channel: CardChannel,
  cardholder: CardholderSteps,
  actor: Actor,
  approvalId: string,
): Promise<CardSerial> {
  requirePermission(actor, 'card.staff-reset');
  const { piv, card } = await openIssuedCard(channel, deps.registry);
  if (card.status !== 'active' && card.status !== 'hold' && card.status !== 'pending_activation') {
    throw issuanceError('card_state_invalid', `Card ${card.serial} is ${card.status}`);
  }
  const retries = await piv.getRetries();
  if (!retries.ok) throw cardRefused('GET METADATA', retries.reason);
  if (retries.pin.remaining === 0) {
    throw issuanceError('card_state_invalid', retries.puk.remaining > 0
      ? 'The PIN is blocked: unblock it with the PUK'
      : 'PIN and PUK are both blocked: the card can only be replaced');
  }
  const { approvedBy } = await deps.approvals.consume({ approvalId, action: 'card.staff-reset', subject: String(card.serial), actor });

  const meta = await piv.getMetadata(0x9b);
  const type = meta.ok ? meta.metadata.algorithm : 'unknown';
  if (type !== 'AES256' && type !== 'TDES') throw cardRefused('the management key', `unexpected type ${type}`);
  const key = await deps.managementKeys.derive(card.serial, type as ManagementKeyType);
  try {
    // The citizen proves the PIN at the station; the card stays PIN-verified for SET PIN RETRIES.
    await cardholder.verifyPin('prove the current PIN');
    const auth = await piv.authenticateManagementKey(key, type as ManagementKeyType);
    if (!auth.ok) throw cardRefused('the card management key', auth.reason);
    const s = await piv.setPinRetries(retries.pin.total, retries.puk.total);
    if (!s.ok) throw cardRefused('SET PIN RETRIES', s.reason);
  } finally {
    key.fill(0);
  }
  // PIN and PUK are now the factory values: the citizen chooses a PIN, a new PUK is shown once, at the station.
  await cardholder.choosePin();
  await cardholder.setPuk();
  await deps.registry.recordCardEvent(card.serial, 'card.staff-reset', { approvedBy }, actor, deps.clock.now());
  return card.serial;
}
