// Card Capability Container content (SP 800-73-4 Part 1 §3.1.1, Appendix A
// Table 8), in the form yubico-piv-tool writes:
//   F0 15 card identifier (GSC-RID A000000116, manufacturer FF, card type 02,
//   14 bytes of card id) ‖ F1 01 21 ‖ F2 01 21 ‖ F3 00 ‖ F4 01 00 ‖ F5 01 10 ‖
//   F6 00 ‖ F7 00 ‖ FA 00 ‖ FB 00 ‖ FC 00 ‖ FD 00 ‖ FE 00
import { cardError } from '../codes.js';
import { concat, tlv } from './lib/tlv.js';

/** CCC content with the given 14-byte card identifier. */
export function encodeCcc(cardId: Uint8Array): Uint8Array {
  if (cardId.length !== 14) throw cardError('card_argument_invalid', 'The CCC card identifier is 14 bytes');
  const empty = new Uint8Array(0);
  return concat(
    tlv(0xf0, concat(Uint8Array.of(0xa0, 0x00, 0x00, 0x01, 0x16, 0xff, 0x02), cardId)),
    tlv(0xf1, Uint8Array.of(0x21)),
    tlv(0xf2, Uint8Array.of(0x21)),
    tlv(0xf3, empty),
    tlv(0xf4, Uint8Array.of(0x00)),
    tlv(0xf5, Uint8Array.of(0x10)),
    tlv(0xf6, empty),
    tlv(0xf7, empty),
    tlv(0xfa, empty),
    tlv(0xfb, empty),
    tlv(0xfc, empty),
    tlv(0xfd, empty),
    tlv(0xfe, empty),
  );
}
