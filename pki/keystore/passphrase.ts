// Where the file key store's passphrase comes from: the environment variable
// CARDAUTH_KEY_PASSPHRASE, or a file named by CARDAUTH_KEY_PASSPHRASE_FILE
// (for secret mounts). Missing or too short: refuse to start. The passphrase
// never appears in an error message.
import { readFileSync } from 'node:fs';
import { PkiError } from '../errors.js';

export const MIN_PASSPHRASE_LENGTH = 12;

export function readPassphrase(env: Readonly<Record<string, string | undefined>>): string {
  let value = env['CARDAUTH_KEY_PASSPHRASE'];
  const file = env['CARDAUTH_KEY_PASSPHRASE_FILE'];
  if ((value === undefined || value === '') && file) {
    try {
      value = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new PkiError('key_store_locked', `cannot read the key passphrase file named by CARDAUTH_KEY_PASSPHRASE_FILE`, { cause: err });
    }
  }
  if (value === undefined || value === '') {
    throw new PkiError(
      'key_store_locked',
      'no key store passphrase: set CARDAUTH_KEY_PASSPHRASE or CARDAUTH_KEY_PASSPHRASE_FILE',
    );
  }
  if (value.length < MIN_PASSPHRASE_LENGTH) {
    throw new PkiError('key_store_locked', `the key store passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters`);
  }
  return value;
}
