// A minimal DER encoder (ITU-T X.690 §10) for the certificates the simulated
// manufacturer and the card's attestation key sign. Only what RFC 5280
// certificates need: definite lengths, minimal INTEGERs, OIDs, strings, times.

import { concat } from '../tlv/ber.js';

function len(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function der(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concat(...content);
  return concat(Uint8Array.of(tag), len(body.length), body);
}

export const seq = (...c: Uint8Array[]): Uint8Array => der(0x30, ...c);
export const set = (...c: Uint8Array[]): Uint8Array => der(0x31, ...c);
export const octets = (v: Uint8Array): Uint8Array => der(0x04, v);
export const bitString = (v: Uint8Array): Uint8Array => der(0x03, Uint8Array.of(0), v);
export const nul = (): Uint8Array => Uint8Array.of(0x05, 0x00);
export const bool = (v: boolean): Uint8Array => Uint8Array.of(0x01, 0x01, v ? 0xff : 0x00);
export const utf8 = (s: string): Uint8Array => der(0x0c, new TextEncoder().encode(s));
export const printable = (s: string): Uint8Array => der(0x13, new TextEncoder().encode(s));
/** Context-specific constructed [n] EXPLICIT. */
export const explicit = (n: number, ...c: Uint8Array[]): Uint8Array => der(0xa0 | n, ...c);

/** INTEGER from unsigned big-endian bytes (minimal, positive). */
export function uint(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let v = bytes.subarray(i);
  if (v.length === 0) v = Uint8Array.of(0);
  if (v[0]! & 0x80) v = concat(Uint8Array.of(0), v);
  return der(0x02, v);
}

export function int(n: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return uint(Uint8Array.from(bytes.length ? bytes : [0]));
}

export function oid(dotted: string): Uint8Array {
  const parts = dotted.split('.').map((p) => BigInt(p));
  const out: number[] = [Number(parts[0]! * 40n + parts[1]!)];
  for (const p of parts.slice(2)) {
    const group: number[] = [];
    let v = p;
    do {
      group.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    for (let k = 0; k < group.length - 1; k++) group[k]! |= 0x80;
    out.push(...group);
  }
  return der(0x06, Uint8Array.from(out));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
export function time(d: Date): Uint8Array {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  if (d.getUTCFullYear() < 2050) return der(0x17, new TextEncoder().encode(iso.slice(2) + 'Z'));
  return der(0x18, new TextEncoder().encode(iso + 'Z'));
}
