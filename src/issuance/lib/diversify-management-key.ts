// Per-card management key diversification (flow 1 step 3 of docs/architecture.md):
// one card's key opens that card only, and the master secret never leaves the
// service's key store.
//
// key = first L bytes of HMAC-SHA-256(master, "cardauth/piv-mgm/v1" ‖ type ‖
//       serial (4 bytes, big-endian) ‖ counter ‖ 0x01)
// This is HKDF-Expand (RFC 5869 §2.3) for one block with PRK = the master
// secret; the Extract step is skipped as §3.3 allows for a PRK that is
// already a uniformly random key (the master is 32 CSPRNG bytes). Written as
// a single HMAC so an HSM can hold the master as a non-extractable HMAC key
// and compute it (NIST SP 800-108 §4.1 counter-mode KDF with one block).
// Knowing one card's key tells nothing about another's or about the master;
// the service re-derives a card's key from its serial, so it is stored nowhere.
//
// For 3DES (SP 800-67) each byte gets odd parity, and the three 8-byte keys
// must differ (a repeated key degrades 3DES to single DES); the counter makes
// another draw in that improbable case.
import { createHmac } from 'node:crypto';
import type { CardSerial, ManagementKeyType } from '../types.js';
import type { ManagementKeySource } from '../ports/management-key.js';

const LABEL = Buffer.from('cardauth/piv-mgm/v1', 'ascii');
const LENGTH = { AES256: 32, TDES: 24 } as const satisfies Record<ManagementKeyType, number>;

/** HMAC-SHA-256 under the master secret, wherever the master lives. */
export type MasterHmac = (data: Uint8Array) => Promise<Uint8Array>;

function oddParity(b: number): number {
  let ones = 0;
  for (let i = 1; i < 8; i++) ones += (b >> i) & 1;
  return (b & 0xfe) | (ones % 2 === 0 ? 1 : 0);
}

function sameBlock(k: Uint8Array, a: number, b: number): boolean {
  for (let i = 0; i < 8; i++) if (k[a * 8 + i] !== k[b * 8 + i]) return false;
  return true;
}

export function derivationInput(serial: CardSerial, type: ManagementKeyType, counter: number): Uint8Array {
  const out = Buffer.alloc(LABEL.length + type.length + 4 + 2);
  LABEL.copy(out, 0);
  out.write(type, LABEL.length, 'ascii');
  out.writeUInt32BE(serial, LABEL.length + type.length);
  out[out.length - 2] = counter;
  out[out.length - 1] = 0x01;
  return out;
}

export async function deriveManagementKey(hmac: MasterHmac, serial: CardSerial, type: ManagementKeyType): Promise<Uint8Array> {
  for (let counter = 0; counter < 256; counter++) {
    const block = await hmac(derivationInput(serial, type, counter));
    const key = Uint8Array.from(block.subarray(0, LENGTH[type]));
    block.fill(0);
    if (type === 'AES256') return key;
    for (let i = 0; i < key.length; i++) key[i] = oddParity(key[i]!);
    if (!sameBlock(key, 0, 1) && !sameBlock(key, 1, 2) && !sameBlock(key, 0, 2)) return key;
    key.fill(0);
  }
  throw new Error('no usable 3DES key in 256 draws');
}

/** An HMAC over a master secret held in process memory (loaded from the encrypted master file). */
export function memoryMasterHmac(master: Uint8Array): MasterHmac {
  if (master.length < 32) throw new Error('the management-key master secret must be at least 32 bytes');
  const key = Buffer.from(master);
  return async (data) => new Uint8Array(createHmac('sha256', key).update(data).digest());
}

/** The engine's ManagementKeySource over a master HMAC. */
export function managementKeySource(hmac: MasterHmac): ManagementKeySource {
  return { derive: (serial, type) => deriveManagementKey(hmac, serial, type) };
}

/** A master HMAC that opens the master secret at its first use (a service that never issues never needs it). */
export function lazyMasterHmac(open: () => Uint8Array): MasterHmac {
  let hmac: MasterHmac | undefined;
  return async (data) => {
    if (hmac === undefined) {
      const master = open();
      hmac = memoryMasterHmac(master);
      master.fill(0);
    }
    return hmac(data);
  };
}
