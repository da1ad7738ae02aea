// Card Holder Unique Identifier content (SP 800-73-4 Part 1 §3.1.2, Appendix
// A Table 9), in the form yubico-piv-tool writes and OpenSC reads
// (docs/piv-wire.md, "Data objects"):
//   CHUID = 30 19 FASC-N ‖ 34 10 GUID ‖ 35 08 expiry "YYYYMMDD" ‖ 3E 00 ‖ FE 00
// The FASC-N is the "non-federal issuer" value with agency code 9999, for
// which OpenSC takes the token serial from the GUID. The issuer signature
// (3E) is left empty, as yubico-piv-tool does.
import { cardError } from '../codes.js';
import { concat, findTag, parseTlvs, tlv } from './lib/tlv.js';

/** FASC-N with agency code 9999 (SP 800-73-4 Part 1 §3.1.2 note; TIG SCEPACS). */
export const NON_FEDERAL_FASCN = Uint8Array.from(Buffer.from('D4E739DA739CED39CE739D836858210842108421C84210C3EB', 'hex'));

export interface Chuid {
  readonly fascn: Uint8Array;
  /** 16-byte GUID (the card's UUID in cardauth). */
  readonly guid: Uint8Array;
  /** "YYYYMMDD". */
  readonly expiry: string;
}

export function encodeChuid(input: { guid: Uint8Array; expiry: string; fascn?: Uint8Array }): Uint8Array {
  if (input.guid.length !== 16) throw cardError('card_argument_invalid', 'The CHUID GUID is 16 bytes');
  if (!/^\d{8}$/.test(input.expiry)) throw cardError('card_argument_invalid', 'The CHUID expiry is YYYYMMDD');
  const fascn = input.fascn ?? NON_FEDERAL_FASCN;
  if (fascn.length !== 25) throw cardError('card_argument_invalid', 'A FASC-N is 25 bytes');
  return concat(
    tlv(0x30, fascn),
    tlv(0x34, input.guid),
    tlv(0x35, new Uint8Array(Buffer.from(input.expiry, 'latin1'))),
    tlv(0x3e, new Uint8Array(0)),
    tlv(0xfe, new Uint8Array(0)),
  );
}

/** Parse a CHUID read from a card (untrusted: card_protocol_error when malformed). */
export function parseChuid(value: Uint8Array): Chuid {
  const items = parseTlvs(value);
  const fascn = findTag(items, 0x30);
  const guid = findTag(items, 0x34);
  const expiry = findTag(items, 0x35);
  if (fascn === undefined || guid === undefined || guid.length !== 16 || expiry === undefined) {
    throw cardError('card_protocol_error', 'The CHUID lacks its FASC-N, GUID or expiry');
  }
  return { fascn: Uint8Array.from(fascn), guid: Uint8Array.from(guid), expiry: Buffer.from(expiry).toString('latin1') };
}
