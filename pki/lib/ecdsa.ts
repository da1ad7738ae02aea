// ECDSA signature encodings. X.509, CRLs and OCSP carry the DER
// `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (RFC 5480 §2.2 via
// RFC 5758 §3.2); WebCrypto/PKCS#11 and JWS (RFC 7518 §3.4) use r||s of fixed
// width (IEEE P1363). These convert between the two.
import type { CurveName } from '../types.js';

export const curveBytes: Record<CurveName, number> = { 'P-256': 32, 'P-384': 48 };
export const curveHash: Record<CurveName, 'sha256' | 'sha384'> = { 'P-256': 'sha256', 'P-384': 'sha384' };

function derLength(n: number): number[] {
  return n < 0x80 ? [n] : [0x81, n];
}

function derInteger(unsignedBigEndian: Uint8Array): number[] {
  let i = 0;
  while (i < unsignedBigEndian.length - 1 && unsignedBigEndian[i] === 0) i++;
  const v = Array.from(unsignedBigEndian.subarray(i));
  if ((v[0] ?? 0) & 0x80) v.unshift(0);
  return [0x02, ...derLength(v.length), ...v];
}

export function p1363ToDer(sig: Uint8Array): Buffer {
  const half = sig.length / 2;
  const body = [...derInteger(sig.subarray(0, half)), ...derInteger(sig.subarray(half))];
  return Buffer.from([0x30, ...derLength(body.length), ...body]);
}

/** DER ECDSA-Sig-Value to r||s; throws on anything that is not one. */
export function derToP1363(der: Uint8Array, curve: CurveName): Buffer {
  const width = curveBytes[curve];
  let p = 0;
  const byte = (): number => {
    const b = der[p++];
    if (b === undefined) throw new Error('truncated ECDSA signature');
    return b;
  };
  const len = (): number => {
    const l = byte();
    if (l < 0x80) return l;
    if (l === 0x81) return byte();
    throw new Error('bad ECDSA signature length');
  };
  if (byte() !== 0x30) throw new Error('ECDSA signature is not a SEQUENCE');
  const total = len();
  if (total !== der.length - p) throw new Error('ECDSA signature length mismatch');
  const out = Buffer.alloc(width * 2);
  for (let k = 0; k < 2; k++) {
    if (byte() !== 0x02) throw new Error('ECDSA signature part is not an INTEGER');
    const l = len();
    let v = der.subarray(p, p + l);
    p += l;
    while (v.length > width && v[0] === 0) v = v.subarray(1);
    if (v.length > width) throw new Error('ECDSA signature integer too long');
    out.set(v, k * width + (width - v.length));
  }
  return out;
}
