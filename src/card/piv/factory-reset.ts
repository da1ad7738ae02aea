// Wipe the PIV application whatever its PIN and PUK (what `ykman piv reset`
// does): block the PIN with wrong VERIFYs, block the PUK with wrong RESET
// RETRY COUNTERs, then RESET (Yubico INS FB, allowed only with both blocked).
// Used to restart an interrupted personalisation from a blank card. Keeps the
// factory attestation key (F9).
//
// The wrong values are random: a fixed value could be the card's real PIN or
// PUK, and would then reset the counter forever. A value that happens to be
// right is simply followed by another random one; the loop is bounded by the
// largest retry counter a card can have (255) on each side.
import { randomInt } from 'node:crypto';
import type { CardChannel } from '../channel.js';
import { cardError } from '../codes.js';
import { resetCard } from './reset.js';
import { fail, ok, type Fail, type Ok } from './lib/result.js';
import { unblockPin } from './unblock-pin.js';
import { verifyPin } from './verify-pin.js';

export type FactoryResetResult = Ok | Fail<'not-blocked'>;

const MAX_ATTEMPTS = 2 * 256;

const randomDigits = (n: number): string => Array.from({ length: n }, () => String(randomInt(10))).join('');

export async function factoryReset(channel: CardChannel): Promise<FactoryResetResult> {
  let pinBlocked = false;
  for (let i = 0; i < MAX_ATTEMPTS && !pinBlocked; i++) {
    const r = await verifyPin(channel, randomDigits(8));
    pinBlocked = !r.ok && r.reason === 'blocked';
  }
  let pukBlocked = false;
  for (let i = 0; i < MAX_ATTEMPTS && !pukBlocked; i++) {
    // The new PIN is irrelevant: the card is wiped right after.
    const r = await unblockPin(channel, randomDigits(8), randomDigits(8));
    pukBlocked = !r.ok && r.reason === 'puk-blocked';
  }
  if (!pinBlocked || !pukBlocked) throw cardError('card_protocol_error', 'The card would not block its PIN and PUK');
  const r = await resetCard(channel);
  return r.ok ? ok() : fail(r.reason);
}
