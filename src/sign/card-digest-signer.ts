// The card as a DigestSigner: VERIFY the PIN, then GENERAL AUTHENTICATE with
// the signature key (slot 9C, ECC P-256) over the 32-byte digest, nothing in
// between (the key's PIN policy is ALWAYS: the card signs only right after
// a VERIFY). The PIN buffer is zeroed whatever happens. A wrong or blocked
// PIN comes back as a typed result, not an exception, so the caller can ask
// again; anything the card cannot do is card_not_supported.
import type { PivClient } from '../card/piv/client.js';
import { pivKeySlots } from '../card/piv/constants.js';
import { terminalError } from '../terminal/codes.js';
import { signError } from './codes.js';
import { SHA256_BYTES } from './cades/signed-attributes.js';

export type SignDigestWithPinResult =
  | { readonly ok: true; readonly signature: Uint8Array }
  | { readonly ok: false; readonly reason: 'wrong-pin'; readonly triesLeft: number }
  | { readonly ok: false; readonly reason: 'blocked' };

export async function signDigestWithPin(piv: PivClient, pin: Uint8Array, digest: Uint8Array): Promise<SignDigestWithPinResult> {
  try {
    if (digest.length !== SHA256_BYTES) {
      throw signError('sign_digest_invalid', `The card signs a ${SHA256_BYTES}-byte SHA-256 digest, not ${digest.length} bytes.`);
    }
    const r = await piv.verifyPinAndSign(pin, pivKeySlots.SIGNATURE, 'ECCP256', digest);
    if (r.ok) return { ok: true, signature: r.signature };
    if (r.reason === 'wrong-pin') return r;
    if (r.reason === 'blocked') return r;
    if (r.reason === 'empty-slot' || r.reason === 'algorithm-mismatch') {
      throw terminalError('card_not_supported', 'The card has no P-256 signature key in slot 9C.');
    }
    throw terminalError('card_not_supported', `The card refused to sign after the PIN was verified (${r.reason}).`);
  } finally {
    pin.fill(0);
  }
}
