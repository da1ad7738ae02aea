// PIN and PUK reference data (SP 800-73-4 Part 2 §3.2.1/§3.2.2, FIPS 201-3
// §4.3.1): an 8-byte field, the value left-aligned and padded with FF, 6 to 8
// bytes long; the PIN is digits only. The card keeps a salted hash and compares
// in constant time.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SW, SwError } from '../apdu/sw.js';
import type { ReferenceData } from '../card/state.js';

function digest(salt: Uint8Array, value8: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(salt).update(value8).digest());
}

/** The 8-byte FF-padded form of a value given as text (factory defaults). */
export function padValue(value: string): Uint8Array {
  const out = new Uint8Array(8).fill(0xff);
  out.set(Buffer.from(value, 'latin1').subarray(0, 8));
  return out;
}

export function makeReference(value8: Uint8Array, maxTries: number, isDefault: boolean): ReferenceData {
  const salt = new Uint8Array(randomBytes(16));
  return { salt, hash: digest(salt, value8), maxTries, triesLeft: maxTries, isDefault };
}

export function referenceMatches(ref: ReferenceData, value8: Uint8Array): boolean {
  return timingSafeEqual(digest(ref.salt, value8), ref.hash);
}

/**
 * A new PIN or PUK must be 6–8 bytes, padded with FF to 8, no FF inside the
 * value; a PIN must be ASCII digits (FIPS 201-3 §4.3.1). Anything else → 6A80.
 */
export function checkNewValue(value8: Uint8Array, digitsOnly: boolean): void {
  if (value8.length !== 8) throw new SwError(SW.WRONG_DATA);
  let len = value8.indexOf(0xff);
  if (len === -1) len = 8;
  if (len < 6) throw new SwError(SW.WRONG_DATA);
  for (let i = len; i < 8; i++) if (value8[i] !== 0xff) throw new SwError(SW.WRONG_DATA);
  if (digitsOnly) {
    for (let i = 0; i < len; i++) {
      const c = value8[i]!;
      if (c < 0x30 || c > 0x39) throw new SwError(SW.WRONG_DATA);
    }
  }
}
