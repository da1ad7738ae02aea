// Certificate serial numbers (RFC 5280 §4.1.2.2: positive, at most 20
// octets; CA/B Forum BR §7.1: at least 64 bits from a CSPRNG). Ours are 16
// octets whose first octet is in 0x40..0x7f: always positive, never padded,
// always the same length, 127 random bits.
import { randomBytes } from 'node:crypto';
import type { CertSerialHex } from '../types.js';

export function randomSerial(): Buffer {
  const b = randomBytes(16);
  b[0] = ((b[0] ?? 0) & 0x3f) | 0x40;
  return b;
}

/** Canonical hex of a serial given as DER INTEGER contents or any hex spelling. */
export function serialHex(value: Uint8Array | string): CertSerialHex {
  let hex = typeof value === 'string' ? value.toLowerCase().replace(/[^0-9a-f]/g, '') : Buffer.from(value).toString('hex');
  while (hex.length > 2 && hex.startsWith('00')) hex = hex.slice(2);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return hex as CertSerialHex;
}
