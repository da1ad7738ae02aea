// Sets a fresh random serial (RFC 5280 §4.1.2.2; ≥ 64 CSPRNG bits).
import { randomSerial } from '../../lib/serial.js';
import type { Modifier } from '../draft.js';

export const setSerial: Modifier = (draft) => {
  draft.serial = randomSerial();
};
