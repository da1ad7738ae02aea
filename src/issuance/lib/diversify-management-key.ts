// Per-card management key diversification (DESIGN.md flow 1 step 3).
//
// key = HKDF-SHA-256(IKM = master secret, salt = "cardauth/piv-mgm/v1",
//                    info = key type ‖ card serial (4 bytes, big-endian), L)
// (RFC 5869). Knowing one card's key tells nothing about another's or about
// the master; the service can re-derive any card's key from its serial, so
// the key itself is stored nowhere. NIST SP 800-108 / SP 800-56C accept HKDF
// as a key-derivation function from a secret of full entropy.
//
// For 3DES (SP 800-67) each byte gets odd parity, and the three 8-byte keys
// must differ (a repeated key degrades 3DES to single DES; cards refuse weak
// keys); a counter in the info makes another draw in that improbable case.
import { hkdfSync } from 'node:crypto';
import type { CardSerial, ManagementKeyType } from '../types.js';
import type { ManagementKeySource } from '../ports/management-key.js';

const SALT = Buffer.from('cardauth/piv-mgm/v1', 'ascii');
const LENGTH = { AES256: 32, TDES: 24 } as const satisfies Record<ManagementKeyType, number>;

function oddParity(b: number): number {
  let ones = 0;
  for (let i = 1; i < 8; i++) ones += (b >> i) & 1;
  return (b & 0xfe) | (ones % 2 === 0 ? 1 : 0);
}

function sameBlock(k: Uint8Array, a: number, b: number): boolean {
  for (let i = 0; i < 8; i++) if (k[a * 8 + i] !== k[b * 8 + i]) return false;
  return true;
}

export function diversifyManagementKey(master: Uint8Array, serial: CardSerial, type: ManagementKeyType): Uint8Array {
  if (master.length < 32) throw new Error('the management-key master secret must be at least 32 bytes');
  for (let counter = 0; ; counter++) {
    const info = Buffer.alloc(type.length + 5);
    info.write(type, 0, 'ascii');
    info.writeUInt32BE(serial, type.length);
    info[type.length + 4] = counter;
    const key = new Uint8Array(hkdfSync('sha256', master, SALT, info, LENGTH[type]));
    if (type === 'AES256') return key;
    for (let i = 0; i < key.length; i++) key[i] = oddParity(key[i]!);
    if (!sameBlock(key, 0, 1) && !sameBlock(key, 1, 2) && !sameBlock(key, 0, 2)) return key;
    key.fill(0);
  }
}

/** A ManagementKeySource over a master secret held in memory (loaded from the key store). */
export function masterSecretSource(loadMaster: () => Promise<Uint8Array>): ManagementKeySource {
  return {
    async derive(serial, type) {
      const master = await loadMaster();
      try {
        return diversifyManagementKey(master, serial, type);
      } finally {
        master.fill(0);
      }
    },
  };
}
