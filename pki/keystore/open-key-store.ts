// Chooses and opens the key store from configuration (environment):
//   CARDAUTH_KEY_STORE=file (default) | pkcs11
//   file:   <data-dir>/keys, passphrase from CARDAUTH_KEY_PASSPHRASE(_FILE)
//   pkcs11: CARDAUTH_PKCS11_LIBRARY, CARDAUTH_PKCS11_TOKEN, CARDAUTH_PKCS11_PIN
//           (or CARDAUTH_PKCS11_PIN_FILE)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PkiError } from '../errors.js';
import { FileKeyStore } from './file-key-store.js';
import type { KeyStore } from './key-store.js';
import { readPassphrase } from './passphrase.js';
import { Pkcs11KeyStore } from './pkcs11-key-store.js';

type Env = Readonly<Record<string, string | undefined>>;

function secretFrom(env: Env, name: string): string | undefined {
  const direct = env[name];
  if (direct) return direct;
  const file = env[`${name}_FILE`];
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new PkiError('key_store_locked', `cannot read ${name}_FILE`, { cause: err });
  }
}

export function openKeyStore(dataDir: string, env: Env): KeyStore {
  const kind = env['CARDAUTH_KEY_STORE'] ?? 'file';
  if (kind === 'file') return FileKeyStore.open(join(dataDir, 'keys'), readPassphrase(env));
  if (kind === 'pkcs11') {
    const library = env['CARDAUTH_PKCS11_LIBRARY'] ?? '/usr/lib/softhsm/libsofthsm2.so';
    const tokenLabel = env['CARDAUTH_PKCS11_TOKEN'];
    const pin = secretFrom(env, 'CARDAUTH_PKCS11_PIN');
    if (!tokenLabel || !pin) {
      throw new PkiError('key_store_locked', 'PKCS#11 key store needs CARDAUTH_PKCS11_TOKEN and CARDAUTH_PKCS11_PIN(_FILE)');
    }
    return Pkcs11KeyStore.open({ library, tokenLabel, pin });
  }
  throw new PkiError('key_store_unavailable', `unknown CARDAUTH_KEY_STORE '${kind}' (file or pkcs11)`);
}
