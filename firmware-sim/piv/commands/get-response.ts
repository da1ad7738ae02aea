// GET RESPONSE (ISO/IEC 7816-4 §7.6.1), INS C0.
// Rule: "00C00000xx" continues the pending response: send min(xx or 256, rest)
// bytes, then 61yy while data remains (yy = remaining, 00 = 256 or more), 9000
// at the end. With nothing pending → 6985. P1P2 must be 0000 → 6A86.
// NOTE: a GET RESPONSE is not "the next command" of PIN policy ALWAYS: it leaves
// the arming and any command chain untouched.

import type { CommandApdu } from '../../apdu/command.js';
import { SW, SwError, swBytes } from '../../apdu/sw.js';
import { concat } from '../../tlv/ber.js';
import type { Session } from '../session.js';

export function getResponseChunk(apdu: CommandApdu, s: Session): Uint8Array {
  const pending = s.pendingResponse;
  if (pending === undefined) throw new SwError(SW.CONDITIONS);
  if (apdu.p1 !== 0 || apdu.p2 !== 0) throw new SwError(SW.WRONG_P1P2);
  if (apdu.data.length !== 0) throw new SwError(SW.WRONG_LENGTH);
  const ne = apdu.ne ?? 256;
  const n = Math.min(apdu.extended ? ne : Math.min(ne, 256), pending.length);
  const chunk = pending.subarray(0, n);
  if (n === pending.length) {
    s.pendingResponse = undefined;
    return concat(chunk, swBytes(SW.OK));
  }
  s.pendingResponse = pending.slice(n);
  const left = s.pendingResponse.length;
  return concat(chunk, Uint8Array.of(0x61, left >= 256 ? 0 : left));
}
