// Signing input v2: the 32 bytes a card signs cover everything the terminal
// shows the citizen, in one canonical structure with its own domain string:
//
//   input = SHA-256( "cardauth/v2" || 0x00 || JCS(view) )
//   view  = { purpose: "authenticate" | "sign",
//             rp: { id, name },                 who asks, as the screen names it
//             nonce,                            base64url of the 32 random bytes
//             terminalId,
//             transaction: {amount, currency, payee, reference?} | null,
//             consentText: string | null,
//             requestedAttributes: [ … ],       in the order shown
//             document: { sha256, title, summary } | null }   (signing: the
//                                               digest that is signed, hex, and
//                                               the text shown with it)
//   JCS = RFC 8785 canonical JSON (./canonical-json.ts)
//
// v1 ("cardauth/v1", ./signing-input.ts) hashes a fixed 140-byte preimage of
// four part hashes and covers neither the consent text, the attributes, the
// relying party's name nor a document. The two can never be confused: every
// v2 preimage starts with "cardauth/v2" and every v1 one with "cardauth/v1",
// so a card signature over a v1 input is never a signature over any v2 input
// (SHA-256 second preimages aside), and the reverse. Both sides build the
// view from what they hold — the server from its own record, the terminal
// from the fields it displays — and only the terminal's own rebuild is
// signed (src/terminal/check-signing-input-v2.ts).
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { Transaction } from './wire.js';

export const SIGNING_INPUT_V2_DOMAIN = 'cardauth/v2';

export interface SigningInputV2View {
  readonly purpose: 'authenticate' | 'sign';
  readonly rp: { readonly id: string; readonly name: string };
  readonly nonce: string;
  readonly terminalId: string;
  readonly transaction: Transaction | null;
  readonly consentText: string | null;
  readonly requestedAttributes: readonly string[];
  readonly document: { readonly sha256: string; readonly title: string; readonly summary: string } | null;
}

/** The canonical text of a view (RFC 8785): what is hashed after the domain. */
export function signingInputV2Text(v: SigningInputV2View): string {
  const t = v.transaction;
  return canonicalJson({
    purpose: v.purpose,
    rp: { id: v.rp.id, name: v.rp.name },
    nonce: v.nonce,
    terminalId: v.terminalId,
    transaction: t === null ? null : { amount: t.amount, currency: t.currency, payee: t.payee, ...(t.reference === undefined ? {} : { reference: t.reference }) },
    consentText: v.consentText,
    requestedAttributes: [...v.requestedAttributes],
    document: v.document === null ? null : { sha256: v.document.sha256, title: v.document.title, summary: v.document.summary },
  });
}

export function signingInputV2Preimage(v: SigningInputV2View): Buffer {
  return Buffer.concat([Buffer.from(SIGNING_INPUT_V2_DOMAIN, 'ascii'), Buffer.from([0]), Buffer.from(signingInputV2Text(v), 'utf8')]);
}

export function signingInputV2(v: SigningInputV2View): Buffer {
  return createHash('sha256').update(signingInputV2Preimage(v)).digest();
}
