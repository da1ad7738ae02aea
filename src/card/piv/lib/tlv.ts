// BER-TLV as PIV uses it (SP 800-73-4 Part 2 §3; ISO/IEC 7816-4 §5.2): tags
// of one to three bytes, definite lengths in one to four bytes. Everything
// parsed here came from a card and is untrusted: every length is checked
// against the bytes that are really there.
import { cardError } from '../../codes.js';

export interface Tlv {
  readonly tag: number;
  readonly value: Uint8Array;
}

/** Encode a tag given as a number (0x7c, 0x7f49, 0x5fc105) in its minimal byte form. */
export function encodeTag(tag: number): Uint8Array {
  if (tag < 0 || tag > 0xffffff || !Number.isInteger(tag)) throw cardError('card_argument_invalid', 'Bad TLV tag');
  if (tag <= 0xff) return Uint8Array.of(tag);
  if (tag <= 0xffff) return Uint8Array.of(tag >> 8, tag & 0xff);
  return Uint8Array.of(tag >> 16, (tag >> 8) & 0xff, tag & 0xff);
}

export function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  if (length <= 0xff) return Uint8Array.of(0x81, length);
  if (length <= 0xffff) return Uint8Array.of(0x82, length >> 8, length & 0xff);
  if (length <= 0xffffff) return Uint8Array.of(0x83, length >> 16, (length >> 8) & 0xff, length & 0xff);
  throw cardError('card_argument_invalid', 'TLV value too long');
}

export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function tlv(tag: number, ...values: readonly Uint8Array[]): Uint8Array {
  const value = values.length === 1 ? values[0]! : concat(...values);
  return concat(encodeTag(tag), encodeLength(value.length), value);
}

function malformed(what: string): never {
  throw cardError('card_protocol_error', `The card returned malformed TLV data (${what})`);
}

/** Parse a sequence of TLVs that must fill `bytes` exactly. */
export function parseTlvs(bytes: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let i = 0;
  while (i < bytes.length) {
    // Tag: subsequent bytes follow when the low five bits are all ones, and
    // continue while bit 8 is set (ISO 7816-4 §5.2.2.1).
    let tag = bytes[i++]!;
    if ((tag & 0x1f) === 0x1f) {
      let n = 0;
      let b: number;
      do {
        if (i >= bytes.length) malformed('truncated tag');
        b = bytes[i++]!;
        tag = tag * 256 + b;
        if (++n > 2) malformed('tag longer than three bytes');
      } while ((b & 0x80) !== 0);
    }
    if (i >= bytes.length) malformed('missing length');
    let length = bytes[i++]!;
    if (length === 0x80 || length > 0x84) malformed('unsupported length form');
    if (length > 0x80) {
      const count = length - 0x80;
      if (i + count > bytes.length) malformed('truncated length');
      length = 0;
      for (let k = 0; k < count; k++) length = length * 256 + bytes[i++]!;
    }
    if (i + length > bytes.length) malformed('value runs past the end');
    out.push({ tag, value: bytes.subarray(i, i + length) });
    i += length;
  }
  return out;
}

/** Parse exactly one TLV with the expected tag, filling `bytes`. */
export function parseSingle(bytes: Uint8Array, expectedTag: number): Uint8Array {
  const items = parseTlvs(bytes);
  const only = items[0];
  if (items.length !== 1 || only === undefined || only.tag !== expectedTag) {
    malformed(`expected one 0x${expectedTag.toString(16)} object`);
  }
  return only.value;
}

/** Value of the first TLV with `tag`, or undefined. */
export function findTag(items: readonly Tlv[], tag: number): Uint8Array | undefined {
  return items.find((t) => t.tag === tag)?.value;
}

/** Value of the first TLV with `tag`; card_protocol_error when absent. */
export function requireTag(items: readonly Tlv[], tag: number): Uint8Array {
  const v = findTag(items, tag);
  if (v === undefined) malformed(`missing tag 0x${tag.toString(16)}`);
  return v;
}
