// GET VERSION (Yubico extension, INS FD): three bytes major.minor.patch.
// We emulate firmware 5.4.3: yubico-piv-tool ≥ 2.3.1 fails without an answer,
// and OpenSC 0.23 reads an uninitialised buffer if the card refuses it.

import type { PivCommand, PivContext } from '../context.js';
import { FIRMWARE_VERSION } from '../constants.js';

export function getVersion(_cmd: PivCommand, _ctx: PivContext): Uint8Array {
  return Uint8Array.from(FIRMWARE_VERSION);
}
