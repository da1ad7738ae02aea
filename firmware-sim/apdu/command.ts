// ISO/IEC 7816-4 §5.1 (command-response pairs): decode a command APDU in its four
// cases, short and extended length. Anything that does not follow the encoding
// exactly is a wrong length (6700); the CLA byte is checked by the applet.

import { SW, SwError } from './sw.js';

export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  /** Command data (empty for cases 1 and 2). */
  readonly data: Uint8Array;
  /** Maximum response length the host accepts; absent Le is treated by the caller. */
  readonly ne: number | undefined;
  readonly extended: boolean;
}

export function parseCommandApdu(raw: Uint8Array): CommandApdu {
  if (raw.length < 4) throw new SwError(SW.WRONG_LENGTH);
  const cla = raw[0]!;
  const ins = raw[1]!;
  const p1 = raw[2]!;
  const p2 = raw[3]!;
  const body = raw.subarray(4);
  const head = { cla, ins, p1, p2 };
  // Case 1: header only.
  if (body.length === 0) return { ...head, data: new Uint8Array(0), ne: undefined, extended: false };
  // Case 2S: one Le byte (00 = 256).
  if (body.length === 1) return { ...head, data: new Uint8Array(0), ne: body[0] === 0 ? 256 : body[0]!, extended: false };
  const b0 = body[0]!;
  if (b0 !== 0) {
    // Short Lc: case 3S (Lc data) or 4S (Lc data Le).
    const lc = b0;
    if (body.length === 1 + lc) return { ...head, data: body.slice(1), ne: undefined, extended: false };
    if (body.length === 2 + lc) {
      const le = body[1 + lc]!;
      return { ...head, data: body.slice(1, 1 + lc), ne: le === 0 ? 256 : le, extended: false };
    }
    throw new SwError(SW.WRONG_LENGTH);
  }
  // Extended forms start with 00.
  if (body.length === 3) {
    // Case 2E: 00 Le1 Le2 (0000 = 65536).
    const le = (body[1]! << 8) | body[2]!;
    return { ...head, data: new Uint8Array(0), ne: le === 0 ? 65536 : le, extended: true };
  }
  if (body.length < 3) throw new SwError(SW.WRONG_LENGTH);
  const lc = (body[1]! << 8) | body[2]!;
  if (lc === 0) throw new SwError(SW.WRONG_LENGTH);
  if (body.length === 3 + lc) return { ...head, data: body.slice(3), ne: undefined, extended: true };
  if (body.length === 5 + lc) {
    const le = (body[3 + lc]! << 8) | body[4 + lc]!;
    return { ...head, data: body.slice(3, 3 + lc), ne: le === 0 ? 65536 : le, extended: true };
  }
  throw new SwError(SW.WRONG_LENGTH);
}

/** Encode a command APDU (short when it fits, else extended); used by tests and tools. */
export function encodeCommandApdu(c: {
  cla: number; ins: number; p1: number; p2: number; data?: Uint8Array; ne?: number;
}): Uint8Array {
  const data = c.data ?? new Uint8Array(0);
  const ne = c.ne;
  const extended = data.length > 255 || (ne !== undefined && ne > 256);
  const parts: number[] = [c.cla, c.ins, c.p1, c.p2];
  if (!extended) {
    if (data.length > 0) parts.push(data.length, ...data);
    if (ne !== undefined) parts.push(ne === 256 ? 0 : ne);
    return Uint8Array.from(parts);
  }
  parts.push(0);
  if (data.length > 0) parts.push(data.length >> 8, data.length & 0xff, ...data);
  if (ne !== undefined) {
    const le = ne === 65536 ? 0 : ne;
    parts.push(le >> 8, le & 0xff);
  }
  return Uint8Array.from(parts);
}
