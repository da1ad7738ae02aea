// A small DER reader (X.690): enough to walk an OCSP response. Lengths are
// checked against the buffer; anything malformed throws.
export interface Tlv {
  readonly tag: number;
  /** The contents. */
  readonly value: Buffer;
  /** The whole element, header included. */
  readonly der: Buffer;
}

export function readTlv(buf: Buffer, at = 0): Tlv {
  if (at + 2 > buf.length) throw new Error('DER: truncated header');
  const tag = buf[at]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: high tag numbers are not used here');
  let len = buf[at + 1]!;
  let header = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || at + 2 + n > buf.length) throw new Error('DER: bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[at + 2 + i]!;
    header += n;
  }
  if (at + header + len > buf.length) throw new Error('DER: truncated value');
  return { tag, value: buf.subarray(at + header, at + header + len), der: buf.subarray(at, at + header + len) };
}

/** The one element of `buf`, nothing after it. */
export function readOne(buf: Buffer): Tlv {
  const t = readTlv(buf);
  if (t.der.length !== buf.length) throw new Error('DER: trailing bytes');
  return t;
}

export function children(t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < t.value.length; ) {
    const c = readTlv(t.value, at);
    out.push(c);
    at += c.der.length;
  }
  return out;
}

export function oidOf(t: Tlv): string {
  if (t.tag !== 0x06 || t.value.length === 0) throw new Error('DER: not an OBJECT IDENTIFIER');
  const b = t.value;
  const parts = [Math.min(2, Math.floor(b[0]! / 40)), b[0]! - 40 * Math.min(2, Math.floor(b[0]! / 40))];
  let v = 0;
  for (const x of b.subarray(1)) {
    v = v * 128 + (x & 0x7f);
    if (!(x & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** The unsigned value of an INTEGER's contents, hex, without leading zeros. */
export function unsignedHex(t: Tlv): string {
  if (t.tag !== 0x02) throw new Error('DER: not an INTEGER');
  return t.value.toString('hex').replace(/^(00)+(?=.)/, '');
}
