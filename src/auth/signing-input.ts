// The 32 bytes a card signs for one challenge (docs/architecture.md, "The signing input"):
//
//   input = SHA-256( "cardauth/v1" 0x00 || SHA-256(rpId) || SHA-256(nonce)
//                    || SHA-256(terminalId) || SHA-256(transaction) )
//   transaction = RFC 8785 canonical JSON of {amount, currency, payee, reference},
//                 or the empty string when the challenge carries none
//
// The server rebuilds it from its own challenge record, never from what the
// client sends; the terminal rebuilds it from what it shows the citizen, so
// what the citizen sees is what the card signs. `nonce` is hashed as its raw
// 32 bytes.
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { Transaction } from './wire.js';

/** A transaction as text: the server's, or what a terminal shows (any currency code it was given). */
export type TransactionText = Omit<Transaction, 'currency'> & { readonly currency: string };

export const SIGNING_INPUT_DOMAIN = 'cardauth/v1';

export interface SigningInputParts {
  readonly rpId: string;
  readonly nonce: Uint8Array;
  readonly terminalId: string;
  readonly transaction: TransactionText | null | undefined;
}

const sha256 = (data: string | Uint8Array): Buffer => createHash('sha256').update(data).digest();

/** The canonical transaction text that is hashed ('' when there is none). */
export function transactionText(tx: TransactionText | null | undefined): string {
  if (!tx) return '';
  const t: Record<string, string> = { amount: tx.amount, currency: tx.currency, payee: tx.payee };
  if (tx.reference !== undefined) t.reference = tx.reference;
  return canonicalJson(t);
}

/**
 * The 12 + 128 bytes whose SHA-256 is the signing input. The card signs the
 * 32-byte input as an ECDSA hash value (GENERAL AUTHENTICATE); node:crypto
 * verifies such a signature as ECDSA-with-SHA-256 over this preimage, which
 * lets the server use a cached KeyObject instead of a slower raw-digest path.
 */
export function signingInputPreimage(p: SigningInputParts): Buffer {
  return Buffer.concat([
    Buffer.from(SIGNING_INPUT_DOMAIN),
    Buffer.from([0]),
    sha256(p.rpId),
    sha256(p.nonce),
    sha256(p.terminalId),
    sha256(transactionText(p.transaction)),
  ]);
}

/** The four part hashes of a preimage (its last 128 bytes), in signing order. */
export function preimageParts(preimage: Buffer): { rpId: Buffer; nonce: Buffer; terminalId: Buffer; transaction: Buffer } {
  const at = preimage.length - 128;
  return {
    rpId: preimage.subarray(at, at + 32),
    nonce: preimage.subarray(at + 32, at + 64),
    terminalId: preimage.subarray(at + 64, at + 96),
    transaction: preimage.subarray(at + 96, at + 128),
  };
}

/**
 * A challenge record's preimage: the one stored when it was made, else
 * (records written before it was stored) rebuilt from its fields.
 */
export function recordPreimage(r: {
  readonly rpId: string;
  readonly nonce: string;
  readonly terminalId: string;
  readonly transaction: TransactionText | null;
  readonly preimage?: string | undefined;
}): Buffer {
  if (r.preimage !== undefined) return Buffer.from(r.preimage, 'base64');
  return signingInputPreimage({ rpId: r.rpId, nonce: Buffer.from(r.nonce, 'base64url'), terminalId: r.terminalId, transaction: r.transaction });
}

export function signingInput(p: SigningInputParts): Buffer {
  return createHash('sha256')
    .update(SIGNING_INPUT_DOMAIN)
    .update(Buffer.from([0]))
    .update(sha256(p.rpId))
    .update(sha256(p.nonce))
    .update(sha256(p.terminalId))
    .update(sha256(transactionText(p.transaction)))
    .digest();
}
