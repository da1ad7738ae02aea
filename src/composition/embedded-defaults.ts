// The embedded default (PGlite registry, in-process store, file key store):
// with nothing configured, cardauth runs from its data directory alone. The
// one secret it cannot do without is the passphrase of the encrypted key
// files; when none is configured, one is
// generated once into <data-dir>/secrets/key-passphrase (0600) and used by the
// service and the CLI alike. Production sets CARDAUTH_KEY_PASSPHRASE_FILE to
// its own secret, or uses an HSM (CARDAUTH_KEY_STORE=pkcs11).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function embeddedPassphraseFile(dataDir: string): string {
  return join(dataDir, 'secrets', 'key-passphrase');
}

/**
 * Points CARDAUTH_KEY_PASSPHRASE_FILE at the embedded passphrase when the file
 * key store is used and no passphrase is configured. Creates it only when
 * `create` is set (the service's first start, `ca init`); returns true then.
 */
export function applyEmbeddedKeyPassphrase(env: NodeJS.ProcessEnv, opts: { create: boolean }): boolean {
  if ((env.CARDAUTH_KEY_STORE ?? 'file') !== 'file') return false;
  if (env.CARDAUTH_KEY_PASSPHRASE || env.CARDAUTH_KEY_PASSPHRASE_FILE) return false;
  const file = embeddedPassphraseFile(resolve(env.CARDAUTH_DATA_DIR ?? '.data'));
  let created = false;
  if (!existsSync(file)) {
    if (!opts.create) return false;
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    // 'wx': never overwrite a passphrase that already protects keys.
    writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
    created = true;
  }
  env.CARDAUTH_KEY_PASSPHRASE_FILE = file;
  return created;
}
