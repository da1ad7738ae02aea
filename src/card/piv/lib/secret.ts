// PIN and PUK handling (SP 800-73-4 Part 2 §3.2.1 and §2.4.3; FIPS 201-3
// §4.3.1): reference data is 6 to 8 bytes, padded with FF to 8 bytes. FIPS
// 201 limits the PIN to digits; the PUK is 6–8 printable ASCII characters
// (cards in the field accept more than digits).
//
// Secrets never reach a message, a log or an error detail. Buffers built here
// are the caller's to zero (see zero()) once the APDU is sent.
import { cardError } from '../../codes.js';

/** A PIN or PUK as typed on a PIN pad (string) or already as bytes. */
export type SecretInput = string | Uint8Array;

export type SecretKind = 'pin' | 'puk';

function toBytes(input: SecretInput): Uint8Array {
  if (typeof input === 'string') {
    const out = new Uint8Array(input.length);
    for (let i = 0; i < input.length; i++) {
      const c = input.charCodeAt(i);
      // Non-ASCII cannot be a valid PIN or PUK; mark it so validation rejects it.
      out[i] = c > 0x7e ? 0xff : c;
    }
    return out;
  }
  return Uint8Array.from(input);
}

/** Validate and FF-pad a PIN or PUK to the 8-byte reference data block. */
export function encodeSecret(input: SecretInput, kind: SecretKind): Uint8Array {
  const raw = toBytes(input);
  try {
    const name = kind === 'pin' ? 'PIN' : 'PUK';
    if (raw.length < 6 || raw.length > 8) throw cardError('pin_format_invalid', `The ${name} must be 6 to 8 characters long`);
    for (const b of raw) {
      const ok = kind === 'pin' ? b >= 0x30 && b <= 0x39 : b >= 0x20 && b <= 0x7e;
      if (!ok) {
        throw cardError('pin_format_invalid', kind === 'pin' ? 'The PIN must contain digits only' : 'The PUK must be printable ASCII');
      }
    }
    const out = new Uint8Array(8).fill(0xff);
    out.set(raw);
    return out;
  } finally {
    raw.fill(0);
  }
}

/** Overwrite a buffer that held a secret. */
export function zero(...buffers: readonly (Uint8Array | undefined)[]): void {
  for (const b of buffers) b?.fill(0);
}
