// The keyed-hash secrets of src/rp and src/auth: one 32-byte master secret in
// a file readable by the service only (<data-dir>/keys/peppers.key, 0600),
// created on first start; two independent keys derived from it with HKDF
// (RFC 5869) so the API-secret hash and the pairwise subject never share a key.
// It is not in the database: a stolen registry dump cannot test API secrets
// or link pairwise subjects to citizens.
import { hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Peppers } from '../auth/ports.js';

export function derivePeppers(master: Uint8Array): Peppers {
  if (master.length < 32) throw new Error('the pepper master secret must be at least 32 bytes');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  return { apiSecret: derive('cardauth/v1 rp api secret'), subject: derive('cardauth/v1 pairwise subject') };
}

export function loadOrCreatePeppers(path: string): Peppers {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // 'wx': two processes starting at once cannot both write a different secret.
    try {
      writeFileSync(path, randomBytes(32).toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  chmodSync(path, 0o600);
  const master = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  return derivePeppers(master);
}

/** Where the service and `cardauth rp` keep the pepper master secret. */
export function pepperPath(dataDir: string): string {
  return join(dataDir, 'rp', 'pepper.key');
}
