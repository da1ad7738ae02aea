// The management-key master secret in the encrypted-file key store's
// directory, beside the CA keys and never in the database (docs/architecture.md,
// "Keys and secrets"). 32 CSPRNG bytes sealed with
// AES-256-GCM under a key from scrypt(passphrase) (RFC 7914; N=2^15, r=8,
// p=1), the same passphrase as the CA key files (CARDAUTH_KEY_PASSPHRASE).
// The file is created once, exclusively ('wx'), mode 0600; a wrong passphrase
// or a changed file fails the GCM tag and is refused, never silently replaced
// (a new master would lock the service out of every issued card). The tag is
// always the full 16 bytes: GCM otherwise takes 4- to 16-byte tags (NIST SP
// 800-38D §5.2.1.2) and a genuine tag cut short still verifies, so a file
// edited down to a 4-byte tag would leave 32 bits of integrity.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { issuanceError } from '../codes.js';

const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const AAD = Buffer.from('cardauth management-key master v1');
const TAG_BYTES = 16;
const IV_BYTES = 12;

interface Sealed {
  readonly v: 1;
  readonly salt: string;
  readonly iv: string;
  readonly tag: string;
  readonly ct: string;
}

function keyFrom(passphrase: string, salt: Buffer): Buffer {
  return scryptSync(passphrase, salt, 32, SCRYPT);
}

/** Open the master secret at `path`, creating it on first use. The caller zeroes the result. */
export function openMasterSecretFile(path: string, passphrase: string): Uint8Array {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const master = randomBytes(32);
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const key = keyFrom(passphrase, salt);
    const c = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES }).setAAD(AAD);
    const ct = Buffer.concat([c.update(master), c.final()]);
    key.fill(0);
    const sealed: Sealed = { v: 1, salt: salt.toString('base64'), iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), ct: ct.toString('base64') };
    try {
      writeFileSync(path, JSON.stringify(sealed), { mode: 0o600, flag: 'wx' });
      return new Uint8Array(master);
    } catch (e) {
      master.fill(0);
      // Another process created it first: use theirs.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  let sealed: Sealed;
  try {
    sealed = JSON.parse(readFileSync(path, 'utf8')) as Sealed;
  } catch (cause) {
    throw issuanceError('issuance_master_secret_unavailable', 'The management-key master secret file cannot be read', { cause });
  }
  const tag = Buffer.from(String(sealed.tag), 'base64');
  const iv = Buffer.from(String(sealed.iv), 'base64');
  if (tag.length !== TAG_BYTES || iv.length !== IV_BYTES) {
    throw issuanceError('issuance_master_secret_unavailable', 'The management-key master secret file is not a sealed master secret (tag or nonce length)');
  }
  const key = keyFrom(passphrase, Buffer.from(sealed.salt, 'base64'));
  try {
    const d = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES }).setAAD(AAD);
    d.setAuthTag(tag);
    const master = Buffer.concat([d.update(Buffer.from(sealed.ct, 'base64')), d.final()]);
    if (master.length !== 32) throw new Error('bad length');
    return new Uint8Array(master);
  } catch (cause) {
    throw issuanceError('issuance_master_secret_unavailable', 'The management-key master secret does not open with this passphrase', { cause });
  } finally {
    key.fill(0);
  }
}
