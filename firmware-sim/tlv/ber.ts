// ISO/IEC 7816-4 §5.2 / X.690 §8.1 BER-TLV as PIV uses it (SP 800-73-4 Part 1
// Appendix A): tags of one to three bytes, definite lengths of up to three
// bytes after 81/82/83. A malformed or truncated TLV is wrong data (6A80).

import { SW, SwError } from '../apdu/sw.js';

export interface Tlv {
  readonly tag: number;
  readonly value: Uint8Array;
}

function bad(): never {
  throw new SwError(SW.WRONG_DATA);
}

/** Decode a sequence of TLVs that must fill `buf` exactly. */
export function decodeTlvs(buf: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let i = 0;
  while (i < buf.length) {
    let tag = buf[i++]!;
    if ((tag & 0x1f) === 0x1f) {
      // Multi-byte tag: subsequent bytes with bit 8 set continue it (max 3 bytes here).
      let n = 0;
      for (;;) {
        if (i >= buf.length || ++n > 2) bad();
        const b = buf[i++]!;
        tag = (tag << 8) | b;
        if ((b & 0x80) === 0) break;
      }
    }
    if (i >= buf.length) bad();
    let len = buf[i++]!;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 3 || i + n > buf.length) bad();
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + buf[i++]!;
    }
    if (i + len > buf.length) bad();
    out.push({ tag, value: buf.subarray(i, i + len) });
    i += len;
  }
  return out;
}

/** Decode exactly one TLV with the expected tag filling `buf`. */
export function decodeOne(buf: Uint8Array, tag: number): Uint8Array {
  const list = decodeTlvs(buf);
  if (list.length !== 1 || list[0]!.tag !== tag) bad();
  return list[0]!.value;
}

/** Tags of a constructed value, keyed by tag; duplicates are wrong data. */
export function tlvMap(buf: Uint8Array): Map<number, Uint8Array> {
  const m = new Map<number, Uint8Array>();
  for (const t of decodeTlvs(buf)) {
    if (m.has(t.tag)) bad();
    m.set(t.tag, t.value);
  }
  return m;
}

export function encodeLength(len: number): number[] {
  if (len < 0x80) return [len];
  if (len < 0x100) return [0x81, len];
  if (len < 0x10000) return [0x82, len >> 8, len & 0xff];
  return [0x83, len >> 16, (len >> 8) & 0xff, len & 0xff];
}

function tagBytes(tag: number): number[] {
  if (tag > 0xffff) return [tag >> 16, (tag >> 8) & 0xff, tag & 0xff];
  if (tag > 0xff) return [tag >> 8, tag & 0xff];
  return [tag];
}

export function tlv(tag: number, ...values: Uint8Array[]): Uint8Array {
  const len = values.reduce((s, v) => s + v.length, 0);
  const head = [...tagBytes(tag), ...encodeLength(len)];
  const out = new Uint8Array(head.length + len);
  out.set(head, 0);
  let o = head.length;
  for (const v of values) {
    out.set(v, o);
    o += v.length;
  }
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
