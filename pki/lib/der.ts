// A small DER writer (X.690 §8, §10 distinguished encoding) for the
// structures the CA signs: certificates, CRLs, OCSP responses. Parsing stays
// with asn1js; writing here is concatenation of pre-encoded parts, which
// pkijs's object model (re-parsing names and keys on every toSchema) made
// about ten times slower for issuance and OCSP (bench:pki, see README).
const oidCache = new Map<string, Buffer>();

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return Buffer.from([0x80 | out.length, ...out]);
}

export function tlv(tag: number, ...parts: readonly Uint8Array[]): Buffer {
  const body = parts.length === 1 ? Buffer.from(parts[0] as Uint8Array) : Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

export const seq = (...parts: readonly Uint8Array[]): Buffer => tlv(0x30, ...parts);
export const set = (...parts: readonly Uint8Array[]): Buffer => tlv(0x31, ...parts);
/** [n] EXPLICIT / constructed context tag. */
export const explicit = (n: number, ...parts: readonly Uint8Array[]): Buffer => tlv(0xa0 | n, ...parts);
/** [n] IMPLICIT primitive context tag. */
export const implicit = (n: number, bytes: Uint8Array = new Uint8Array(0)): Buffer => tlv(0x80 | n, bytes);

export const octetString = (b: Uint8Array): Buffer => tlv(0x04, b);
export const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);
export const booleanTrue = (): Buffer => Buffer.from([0x01, 0x01, 0xff]);
export const bitString = (b: Uint8Array, unusedBits = 0): Buffer => tlv(0x03, Buffer.from([unusedBits]), b);
export const utf8String = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
export const printableString = (s: string): Buffer => tlv(0x13, Buffer.from(s, 'ascii'));
export const ia5String = (s: string): Buffer => tlv(0x16, Buffer.from(s, 'ascii'));

/** INTEGER from unsigned big-endian bytes (minimal, positive). */
export function unsignedInteger(bytes: Uint8Array): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let v = Buffer.from(bytes.subarray(i));
  if (v.length === 0) v = Buffer.from([0]);
  if ((v[0] as number) & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return tlv(0x02, v);
}

export function smallInteger(n: number, tag = 0x02): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw new RangeError('small non-negative integers only');
  const bytes: number[] = [];
  let v = n;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if ((bytes[0] as number) & 0x80) bytes.unshift(0);
  return tlv(tag, Buffer.from(bytes));
}

export const enumerated = (n: number): Buffer => smallInteger(n, 0x0a);

export function bigInteger(n: bigint): Buffer {
  if (n < 0n) throw new RangeError('non-negative only');
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return unsignedInteger(Buffer.from(hex, 'hex'));
}

/** OBJECT IDENTIFIER from dotted text (arcs of any size). */
export function objectIdentifier(text: string): Buffer {
  const cached = oidCache.get(text);
  if (cached) return cached;
  const arcs = text.split('.').map((a) => BigInt(a));
  if (arcs.length < 2) throw new RangeError(`bad OID ${text}`);
  const body: number[] = [];
  const push = (v: bigint): void => {
    const group: number[] = [Number(v & 0x7fn)];
    for (let x = v >> 7n; x > 0n; x >>= 7n) group.unshift(Number(x & 0x7fn) | 0x80);
    body.push(...group);
  };
  push((arcs[0] as bigint) * 40n + (arcs[1] as bigint));
  for (const a of arcs.slice(2)) push(a);
  const der = tlv(0x06, Buffer.from(body));
  oidCache.set(text, der);
  return der;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** GeneralizedTime YYYYMMDDHHMMSSZ, whole seconds (RFC 5280 §4.1.2.5.2). */
export function generalizedTime(d: Date): Buffer {
  const s = `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
  return tlv(0x18, Buffer.from(s, 'ascii'));
}

/** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
export function x509Time(d: Date): Buffer {
  const y = d.getUTCFullYear();
  if (y >= 2050) return generalizedTime(d);
  const s = `${two(y % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(s, 'ascii'));
}
