// Yubico PIN policy (tag AA) and touch policy (tag AB) values in GENERATE and
// IMPORT KEY: 00 = the slot's default, 01–03 as in constants.ts. Anything else
// → 6A80. F9 (attestation) keys never need the PIN.

import { SW, SwError } from '../apdu/sw.js';
import { TOUCH_POLICY, defaultPinPolicy } from './constants.js';
import type { PinPolicy, TouchPolicy } from './constants.js';

function oneByte(v: Uint8Array | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (v.length !== 1) throw new SwError(SW.WRONG_DATA);
  return v[0]!;
}

export function readPolicies(slot: number, aa: Uint8Array | undefined, ab: Uint8Array | undefined): {
  pinPolicy: PinPolicy; touchPolicy: TouchPolicy;
} {
  const pin = oneByte(aa) ?? 0;
  const touch = oneByte(ab) ?? 0;
  if (pin > 3 || touch > 3) throw new SwError(SW.WRONG_DATA);
  return {
    pinPolicy: pin === 0 ? defaultPinPolicy(slot) : (pin as PinPolicy),
    touchPolicy: touch === 0 ? TOUCH_POLICY.NEVER : (touch as TouchPolicy),
  };
}
