// The cardholder steps where the PIN pad is: the station's pad and PUK display
// over the card channel the station holds. A station runs these when the
// service asks it to (src/station/agent); the in-process tests and tools run
// them directly.
import type { CardChannel } from '../../card/channel.js';
import { PivClient } from '../../card/piv/index.js';
import type { CardholderSteps } from '../ports/cardholder.js';
import type { PinPad, PukDisplay } from '../ports/station.js';
import { choosePin } from './choose-pin.js';
import { setPuk } from './set-puk.js';
import { unblockPin } from './unblock-pin.js';
import { verifyPin } from './verify-pin.js';

/** The PIV application is already selected on `channel` (the job selected it); no SELECT here, which would drop a verified PIN. */
export function localCardholder(channel: CardChannel, pinPad: PinPad, pukDisplay: PukDisplay): CardholderSteps {
  const piv = new PivClient(channel);
  return {
    choosePin: () => choosePin(piv, pinPad),
    setPuk: () => setPuk(piv, pukDisplay),
    verifyPin: (purpose) => verifyPin(piv, pinPad, purpose),
    unblockPin: () => unblockPin(piv, pinPad),
  };
}
