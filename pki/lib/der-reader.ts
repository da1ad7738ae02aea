// A strict DER reader (X.690 §8.1, §10.1): single-octet tags only (all that
// X.509, CRLs and OCSP use), definite minimal lengths, no value running past
// its parent; BOOLEANs 00 or FF only (§11.1); a component equal to its
// DEFAULT refused when written out (§11.5), through booleanDefaultFalseOf
// and explicitVersionOf. It hands out views into the input, so reading a certificate's
// fields costs a few microseconds instead of the ~1 ms of a full asn1js
// object tree (bench:pki: uncached verification is dominated by parsing).
export class DerError extends Error {
  override readonly name = 'DerError';
}

export interface Tlv {
  readonly tag: number;
  /** The whole encoding (tag, length, value). */
  readonly der: Uint8Array;
  readonly value: Uint8Array;
}

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  enumerated: 0x0a,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  bmpString: 0x1e,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Reads one TLV at `offset`; returns it and the offset after it. */
export function readTlv(buf: Uint8Array, offset: number): { tlv: Tlv; next: number } {
  if (offset + 2 > buf.length) throw new DerError('truncated');
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-octet tags are not used here');
  let p = offset + 1;
  const first = buf[p++] as number;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const n = first & 0x7f;
    if (n === 0) throw new DerError('indefinite length is not DER');
    if (n > 3) throw new DerError('length too large');
    if (p + n > buf.length) throw new DerError('truncated length');
    if (buf[p] === 0) throw new DerError('non-minimal length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + (buf[p++] as number);
    if (length < 0x80) throw new DerError('non-minimal length');
  }
  const end = p + length;
  if (end > buf.length) throw new DerError('value runs past its container');
  return { tlv: { tag, der: buf.subarray(offset, end), value: buf.subarray(p, end) }, next: end };
}

/** Exactly one TLV filling `buf`. */
export function readOne(buf: Uint8Array): Tlv {
  const { tlv, next } = readTlv(buf, 0);
  if (next !== buf.length) throw new DerError('trailing bytes');
  return tlv;
}

/** The TLVs inside a constructed value. */
export function children(parent: Tlv): Tlv[] {
  if ((parent.tag & 0x20) === 0) throw new DerError('not a constructed value');
  const out: Tlv[] = [];
  for (let p = 0; p < parent.value.length; ) {
    const { tlv, next } = readTlv(parent.value, p);
    out.push(tlv);
    p = next;
  }
  return out;
}

export function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}`);
  return t;
}

/** Dotted text of an OBJECT IDENTIFIER value (X.690 §8.19), arcs of any size. */
export function oidOf(t: Tlv | undefined, what: string): string {
  const v = expect(t, TAG.oid, what).value;
  if (v.length === 0) throw new DerError(`${what}: empty OID`);
  const arcs: bigint[] = [];
  let acc = 0n;
  let started = false;
  for (let i = 0; i < v.length; i++) {
    const b = v[i] as number;
    if (!started && b === 0x80) throw new DerError(`${what}: non-minimal OID arc`);
    started = true;
    acc = (acc << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(acc);
      acc = 0n;
      started = false;
    } else if (i === v.length - 1) {
      throw new DerError(`${what}: truncated OID`);
    }
  }
  const first = arcs.shift() as bigint;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs].join('.');
}

export function booleanOf(t: Tlv): boolean {
  if (t.tag !== TAG.boolean || t.value.length !== 1) throw new DerError('bad BOOLEAN');
  const b = t.value[0];
  if (b === 0xff) return true;
  if (b === 0x00) return false;
  throw new DerError('BOOLEAN not DER (X.690 §11.1)');
}

/**
 * A `BOOLEAN DEFAULT FALSE` component that is present (an Extension's
 * critical, basicConstraints' cA). DER never encodes a value equal to its
 * DEFAULT (X.690 §11.5), so only TRUE may be written out.
 */
export function booleanDefaultFalseOf(t: Tlv, what: string): true {
  if (!booleanOf(t)) throw new DerError(`${what}: FALSE is the DEFAULT and must not be encoded (X.690 §11.5)`);
  return true;
}

/**
 * `version [0] EXPLICIT Version DEFAULT v1` when present (certificates,
 * OCSP requests): the version number (0 = v1), never v1 itself, which DER
 * leaves out (X.690 §11.5).
 */
export function explicitVersionOf(t: Tlv, what: string): number {
  const [inner, ...rest] = children(t);
  if (rest.length > 0) throw new DerError(`${what}: unexpected content`);
  const v = integerBytes(inner, what);
  if (v.length !== 1 || (v[0] as number) > 0x7f) throw new DerError(`${what}: unknown version`);
  if (v[0] === 0) throw new DerError(`${what}: v1 is the DEFAULT and must not be encoded (X.690 §11.5)`);
  return v[0] as number;
}

/** INTEGER contents, checked minimal (X.690 §8.3.2). */
export function integerBytes(t: Tlv | undefined, what: string): Uint8Array {
  const v = expect(t, TAG.integer, what).value;
  if (v.length === 0) throw new DerError(`${what}: empty INTEGER`);
  if (v.length > 1 && ((v[0] === 0 && ((v[1] as number) & 0x80) === 0) || (v[0] === 0xff && ((v[1] as number) & 0x80) !== 0))) {
    throw new DerError(`${what}: non-minimal INTEGER`);
  }
  return v;
}

/** A directory string of a Name attribute (UTF8, Printable, IA5; BMP decoded as UTF-16BE). */
export function stringOf(t: Tlv | undefined, what: string): string {
  if (!t) throw new DerError(`${what}: missing`);
  switch (t.tag) {
    case TAG.utf8String:
      return new TextDecoder('utf-8', { fatal: true }).decode(t.value);
    case TAG.printableString:
    case TAG.ia5String:
      return Buffer.from(t.value).toString('latin1');
    case TAG.bmpString:
      return new TextDecoder('utf-16be', { fatal: true }).decode(t.value);
    default:
      throw new DerError(`${what}: not a string`);
  }
}

export function isContext(t: Tlv | undefined, n: number): boolean {
  return t !== undefined && (t.tag & 0xc0) === 0x80 && (t.tag & 0x1f) === n;
}
