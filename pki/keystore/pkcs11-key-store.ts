// Key store in a PKCS#11 token (an HSM; SoftHSM2 in tests) through
// node-webcrypto-p11. Keys are generated on the token as CKA_TOKEN objects
// with CKA_SENSITIVE and not extractable: the process only ever holds a handle
// and gets signatures back (PKCS#11 v2.40 §10.9, C_Sign with CKM_ECDSA over a
// digest computed by the library). PKCS#11 login is per token and per process
// (v2.40 §5.5): a PIN is checked by the first store to open a token.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { Crypto, type CryptoKey as P11Key } from 'node-webcrypto-p11';
import { PkiError } from '../errors.js';
import { p1363ToDer } from '../lib/ecdsa.js';
import type { CurveName } from '../types.js';
import { checkKeyName, type KeyStore, type SignatureEncoding, type Signer } from './key-store.js';

export interface Pkcs11Options {
  /** Path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  readonly library: string;
  /** Token label; the slot holding it is looked up. */
  readonly tokenLabel: string;
  /** User PIN of the token. */
  readonly pin: string;
}

const hashOf: Record<CurveName, 'SHA-256' | 'SHA-384'> = { 'P-256': 'SHA-256', 'P-384': 'SHA-384' };

interface P11Alg {
  readonly label?: string;
  readonly namedCurve?: string;
}

/**
 * Ends one session only. Crypto.close() would also C_Finalize the module,
 * which is process-wide in PKCS#11 and would invalidate every other session
 * and key handle of this process; closing the last session logs out anyway
 * (PKCS#11 v2.40 §5.6 C_CloseSession).
 */
function closeSession(crypto: Crypto): void {
  try {
    crypto.session.close();
  } catch {
    // already closed
  }
}

function findSlot(library: string, label: string): number {
  // The module exposes slots by index; the token label tells them apart.
  for (let slot = 0; slot < 64; slot++) {
    let probe: Crypto;
    try {
      probe = new Crypto({ library, slot });
    } catch {
      break;
    }
    const name = probe.info?.name?.trim();
    closeSession(probe);
    if (name === label) return slot;
  }
  throw new PkiError('key_store_unavailable', `no PKCS#11 token labelled '${label}'`);
}

export class Pkcs11KeyStore implements KeyStore {
  readonly kind = 'pkcs11' as const;
  private readonly cache = new Map<string, Signer>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly crypto: Crypto) {}

  /**
   * One operation at a time on the session: PKCS#11 allows one active
   * operation per session (§5.2: C_SignInit while another runs answers
   * CKR_OPERATION_ACTIVE), and concurrent OCSP requests would otherwise
   * interleave.
   */
  private exclusive<T>(f: () => Promise<T>): Promise<T> {
    const run = this.queue.then(f, f);
    this.queue = run.catch(() => undefined);
    return run;
  }

  static open(options: Pkcs11Options): Pkcs11KeyStore {
    const slot = findSlot(options.library, options.tokenLabel);
    let crypto: Crypto;
    try {
      crypto = new Crypto({ library: options.library, slot, readWrite: true, pin: options.pin });
    } catch (err) {
      // Do not echo the PIN; the library's message may name the return code.
      throw new PkiError('key_store_locked', `cannot log in to PKCS#11 token '${options.tokenLabel}' (wrong PIN?)`, {
        cause: err,
      });
    }
    return new Pkcs11KeyStore(crypto);
  }

  private findKeys(name: string): Promise<{ privateKey: P11Key; publicKey: P11Key } | undefined> {
    return this.exclusive(() => this.findKeysNow(name));
  }

  private async findKeysNow(name: string): Promise<{ privateKey: P11Key; publicKey: P11Key } | undefined> {
    let privateKey: P11Key | undefined;
    let publicKey: P11Key | undefined;
    for (const index of await this.crypto.keyStorage.keys()) {
      const key = await this.crypto.keyStorage.getItem(index);
      if ((key.algorithm as P11Alg).label !== name) continue;
      if (key.type === 'private') privateKey = key as P11Key;
      if (key.type === 'public') publicKey = key as P11Key;
    }
    if (!privateKey && !publicKey) return undefined;
    if (!privateKey || !publicKey) throw new PkiError('ca_state_corrupt', `key '${name}' is incomplete on the token`);
    return { privateKey, publicKey };
  }

  private async signerFor(name: string, privateKey: P11Key, publicKey: P11Key): Promise<Signer> {
    const curve = (publicKey.algorithm as P11Alg).namedCurve;
    if (curve !== 'P-256' && curve !== 'P-384') throw new PkiError('ca_state_corrupt', `key '${name}' has an unsupported curve`);
    const spki = Buffer.from(await this.exclusive(() => this.crypto.subtle.exportKey('spki', publicKey)));
    const pub: KeyObject = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const subtle = this.crypto.subtle;
    const hash = hashOf[curve];
    const exclusive = <T>(f: () => Promise<T>): Promise<T> => this.exclusive(f);
    return {
      name,
      curve,
      publicKey: pub,
      async sign(data: Uint8Array, encoding: SignatureEncoding = 'der'): Promise<Buffer> {
        let raw: ArrayBuffer;
        try {
          raw = await exclusive(() => subtle.sign({ name: 'ECDSA', hash }, privateKey, data));
        } catch (err) {
          throw new PkiError('key_store_unavailable', `the PKCS#11 token refused to sign with '${name}'`, { cause: err });
        }
        const p1363 = Buffer.from(raw);
        return encoding === 'der' ? p1363ToDer(p1363) : p1363;
      },
    };
  }

  async has(name: string): Promise<boolean> {
    checkKeyName(name);
    return (await this.findKeys(name)) !== undefined;
  }

  async generate(name: string, curve: CurveName): Promise<Signer> {
    checkKeyName(name);
    if (await this.findKeys(name)) throw new PkiError('key_exists', `key '${name}' already exists on the token`);
    const alg = { name: 'ECDSA', namedCurve: curve, label: name, token: true, sensitive: true };
    const pair = (await this.exclusive(() => this.crypto.subtle.generateKey(alg, false, ['sign', 'verify']))) as unknown as {
      privateKey: P11Key;
      publicKey: P11Key;
    };
    const signer = await this.signerFor(name, pair.privateKey, pair.publicKey);
    this.cache.set(name, signer);
    return signer;
  }

  async getSigner(name: string): Promise<Signer> {
    checkKeyName(name);
    const cached = this.cache.get(name);
    if (cached) return cached;
    const keys = await this.findKeys(name);
    if (!keys) throw new PkiError('key_not_found', `no key named '${name}' on the token`);
    const signer = await this.signerFor(name, keys.privateKey, keys.publicKey);
    this.cache.set(name, signer);
    return signer;
  }

  async remove(name: string): Promise<void> {
    checkKeyName(name);
    await this.exclusive(async () => {
      for (const index of await this.crypto.keyStorage.keys()) {
        const key = await this.crypto.keyStorage.getItem(index);
        if ((key.algorithm as P11Alg).label === name) await this.crypto.keyStorage.removeItem(index);
      }
    });
    this.cache.delete(name);
  }

  async close(): Promise<void> {
    this.cache.clear();
    closeSession(this.crypto);
  }
}
