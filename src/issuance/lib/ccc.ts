// Card Capability Container (SP 800-73-4 Part 1 §3.1.1 Table 8; the GSC-IS
// v2.1 layout PIV keeps for compatibility). Fields in the order of the table:
// F0 card identifier = GSC-RID A000000116 ‖ manufacturer ID FF ‖ card type 02
// (PIV) ‖ 14 bytes that identify this card (here the first 14 bytes of the
// card UUID, so a re-run writes the same CCC); F1 capability container version
// 21; F2 capability grammar version 21; F3 applications CardURL (none); F4
// PKCS#15 00; F5 registered data model number 10; F6 access control rule
// table (none); F7 card APDUs; FA redirection tag; FB capability tuples; FC
// status tuples; FD next CCC; FE error detection code — all empty.
import type { CardUuid } from '../types.js';
import { uuidBytes } from './chuid.js';

export function buildCcc(uuid: CardUuid): Uint8Array {
  const id = uuidBytes(uuid).subarray(0, 14);
  const cardIdentifier = Uint8Array.from([0xa0, 0x00, 0x00, 0x01, 0x16, 0xff, 0x02, ...id]);
  return Uint8Array.from([
    0xf0, cardIdentifier.length, ...cardIdentifier,
    0xf1, 0x01, 0x21,
    0xf2, 0x01, 0x21,
    0xf3, 0x00,
    0xf4, 0x01, 0x00,
    0xf5, 0x01, 0x10,
    0xf6, 0x00,
    0xf7, 0x00,
    0xfa, 0x00,
    0xfb, 0x00,
    0xfc, 0x00,
    0xfd, 0x00,
    0xfe, 0x00,
  ]);
}
