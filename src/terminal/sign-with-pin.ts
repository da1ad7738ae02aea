// VERIFY then GENERAL AUTHENTICATE 9A (SP 800-73-4 Part 2 §3.2.1, §3.2.4),
// with nothing in between: the 9A key has PIN policy ALWAYS, so the card
// signs only right after this VERIFY, which is what makes a valid signature
// proof that the card checked the PIN (docs/architecture.md, flow 2). The PIN
// goes from the pad to the card and nowhere else; the caller's buffer is
// zeroed here whatever happens.
//
// The signature is checked against the certificate's key before it leaves
// the terminal: a card whose 9A key does not match its certificate is told
// apart from a server refusal (and the server is not bothered with it).
import type { KeyObject } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import type { PivClient } from '../card/piv/client.js';
import { pivKeySlots } from '../card/piv/constants.js';
import { terminalError } from './codes.js';

export type SignWithPinResult =
  | { readonly ok: true; readonly signature: Uint8Array }
  | { readonly ok: false; readonly reason: 'wrong-pin'; readonly triesLeft: number }
  | { readonly ok: false; readonly reason: 'blocked' };

export async function signWithPin(piv: PivClient, pin: Uint8Array, input: Uint8Array, certificateKey: KeyObject): Promise<SignWithPinResult> {
  let r;
  try {
    r = await piv.verifyPinAndSign(pin, pivKeySlots.AUTHENTICATION, 'ECCP256', input);
  } finally {
    pin.fill(0);
  }
  if (!r.ok) {
    if (r.reason === 'wrong-pin') return r;
    if (r.reason === 'blocked') return r;
    if (r.reason === 'empty-slot' || r.reason === 'algorithm-mismatch') {
      throw terminalError('card_not_supported', 'The card has no P-256 authentication key in slot 9A.');
    }
    throw terminalError('card_not_supported', `The card refused to sign after the PIN was verified (${r.reason}).`);
  }
  const good = verifyPrehashed(certificateKey, input, r.signature);
  if (!good) throw terminalError('card_not_supported', 'The card\'s signature does not match its certificate.');
  return { ok: true, signature: r.signature };
}

/** ECDSA verification of a DER signature over a 32-byte hash value. */
function verifyPrehashed(key: KeyObject, hash: Uint8Array, der: Uint8Array): boolean {
  // The card signs the 32 bytes as the hash value (no hashing of its own);
  // node:crypto always hashes, so verify with @noble/curves without prehash.
  const jwk = key.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.of(0x04), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
  try {
    return p256.verify(der, hash, point, { prehash: false, format: 'der', lowS: false });
  } catch {
    return false;
  }
}
