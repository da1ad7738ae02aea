// Key store in files: one PKCS#8 EncryptedPrivateKeyInfo per key (RFC 5958
// §3, PBES2 with AES-256-CBC via node:crypto), mode 0600 in a 0700
// directory. The passphrase is checked when the store opens: a wrong one is
// refused there, not at the first signature.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as cryptoSign,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PkiError } from '../errors.js';
import { curveHash } from '../lib/ecdsa.js';
import type { CurveName } from '../types.js';
import { checkKeyName, type KeyStore, type SignatureEncoding, type Signer } from './key-store.js';

const SUFFIX = '.key.pem';

function curveOf(key: KeyObject): CurveName {
  const c = key.asymmetricKeyDetails?.namedCurve;
  if (c === 'prime256v1') return 'P-256';
  if (c === 'secp384r1') return 'P-384';
  throw new PkiError('ca_state_corrupt', `key has an unsupported curve (${String(c)})`);
}

function signerFor(name: string, privateKey: KeyObject): Signer {
  const curve = curveOf(privateKey);
  const hash = curveHash[curve];
  return {
    name,
    curve,
    publicKey: createPublicKey(privateKey),
    async sign(data: Uint8Array, encoding: SignatureEncoding = 'der'): Promise<Buffer> {
      return cryptoSign(hash, data, { key: privateKey, dsaEncoding: encoding });
    },
  };
}

export class FileKeyStore implements KeyStore {
  readonly kind = 'file' as const;
  private readonly cache = new Map<string, Signer>();

  private constructor(
    private readonly dir: string,
    private readonly passphrase: string,
  ) {}

  /**
   * Opens (creating if needed) the key directory. If keys exist, the first is
   * decrypted now so that a wrong passphrase stops start-up with
   * key_store_locked.
   */
  static open(dir: string, passphrase: string): FileKeyStore {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const store = new FileKeyStore(dir, passphrase);
    const first = readdirSync(dir).find((f) => f.endsWith(SUFFIX));
    if (first) store.load(first.slice(0, -SUFFIX.length));
    return store;
  }

  private path(name: string): string {
    checkKeyName(name);
    return join(this.dir, `${name}${SUFFIX}`);
  }

  private load(name: string): Signer {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const file = this.path(name);
    if (!existsSync(file)) throw new PkiError('key_not_found', `no key named '${name}' in the key store`);
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: readFileSync(file, 'utf8'), format: 'pem', passphrase: this.passphrase });
    } catch (err) {
      throw new PkiError('key_store_locked', `cannot decrypt key '${name}': wrong key store passphrase?`, { cause: err });
    }
    const signer = signerFor(name, key);
    this.cache.set(name, signer);
    return signer;
  }

  async has(name: string): Promise<boolean> {
    return existsSync(this.path(name));
  }

  async generate(name: string, curve: CurveName): Promise<Signer> {
    const file = this.path(name);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: curve });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: this.passphrase });
    try {
      // 'wx': never replace an existing key.
      writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new PkiError('key_exists', `key '${name}' already exists`);
      throw err;
    }
    chmodSync(file, 0o600);
    const signer = signerFor(name, privateKey);
    this.cache.set(name, signer);
    return signer;
  }

  async getSigner(name: string): Promise<Signer> {
    return this.load(name);
  }

  async remove(name: string): Promise<void> {
    rmSync(this.path(name), { force: true });
    this.cache.delete(name);
  }

  async close(): Promise<void> {
    this.cache.clear();
  }
}
