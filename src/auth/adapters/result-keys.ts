// ResultKeys from the key store (pki Signer, file or PKCS#11) or from a bare
// KeyObject. `kid` is the RFC 7638 JWK thumbprint of the public key, so the
// same key has the same kid in every process and after restarts, and a
// rotated key keeps its kid in the JWKS while results it signed are checked
// (one implementation of the thumbprint: pki's publicJwk).
//
// watchResultKeys follows the CA's result-key set (pki openResultKeySet,
// changed by `cardauth ca rotate-result-key`, perhaps in another process):
// a timer looks at the state file once a second (one stat) and swaps in the
// new signer when it was replaced, so every service process sharing the data
// directory signs with the new key within about a second of a rotation, and
// no request ever waits on a file.
import { sign as cryptoSign, type KeyObject } from 'node:crypto';
import { publicJwk, type ResultKeySet, type Signer } from '../../../pki/index.js';
import type { Clock } from '../../util/clock.js';
import type { ResultKeys, ResultPublicJwk, ResultSigner } from '../ports.js';

/** From the key store's Signer (B's pki key store): the private key stays in the store. */
export function signerFromKeyStore(signer: Signer): ResultSigner {
  if (signer.curve !== 'P-256') throw new Error('the result-signing key must be P-256 (ES256)');
  const jwk = publicJwk(signer.publicKey);
  return { kid: jwk.kid, alg: 'ES256', publicJwk: jwk, sign: (data) => signer.sign(data, 'ieee-p1363') };
}

/** From a private KeyObject held in process (tests, the reference benchmark). */
export function signerFromPrivateKey(privateKey: KeyObject, publicKey: KeyObject): ResultSigner {
  const jwk = publicJwk(publicKey);
  return {
    kid: jwk.kid,
    alg: 'ES256',
    publicJwk: jwk,
    sign: async (data) => cryptoSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
  };
}

/** The current signer plus the public keys of previous ones still published (rotation). */
export function resultKeys(current: ResultSigner, previous: readonly ResultPublicJwk[] = []): ResultKeys {
  const published = [current.publicJwk, ...previous.filter((k) => k.kid !== current.kid)];
  return { current, published };
}

/** Result keys that follow rotations (see the file header). */
export interface LiveResultKeys {
  /** `current` and `published` change when the key set does: read them per use. */
  readonly keys: ResultKeys;
  /**
   * Looks at the state file now (one stat), re-reads the set if it changed,
   * and drops retired keys whose publication ended by the clock. Never
   * throws: a failed read keeps the set in force and is reported to onError
   * (once while it keeps failing the same way).
   * Concurrent calls share one look.
   */
  refresh(): Promise<void>;
  stop(): void;
}

export interface WatchResultKeysOptions {
  /** Reads the set afresh (e.g. `() => ca.resultKeySet()`). */
  readonly read: () => Promise<ResultKeySet>;
  readonly clock: Clock;
  /** How often the timer looks; default 1000 ms. 0: no timer, refresh() only (tests). */
  readonly intervalMs?: number;
  readonly onError: (err: unknown) => void;
  /** Told when a new set is in force (for a log line). */
  readonly onChange?: (keys: ResultKeys) => void;
}

function sameKids(a: readonly ResultPublicJwk[], b: readonly ResultPublicJwk[]): boolean {
  return a.length === b.length && a.every((k, i) => k.kid === b[i]!.kid);
}

/** Reads the set once (failing like openCa would) and keeps following it. */
export async function watchResultKeys(opts: WatchResultKeysOptions): Promise<LiveResultKeys> {
  let set = await opts.read();
  let current = signerFromKeyStore(set.current);
  let published: readonly ResultPublicJwk[] = set.published(opts.clock.now());
  const keys: ResultKeys = {
    get current() {
      return current;
    },
    get published() {
      return published;
    },
  };

  // A file that stays unreadable is tried again every look but reported
  // once, until the failure changes or the set reads again.
  let reported: string | undefined;
  const look = async (): Promise<void> => {
    try {
      if (await set.changed()) {
        const next = await opts.read();
        const signer = next.current.name === set.current.name && next.currentJwk.kid === current.kid ? current : signerFromKeyStore(next.current);
        set = next;
        current = signer;
      }
      reported = undefined;
    } catch (err) {
      const what = `${String((err as { code?: unknown }).code ?? '')} ${err instanceof Error ? err.message : String(err)}`;
      if (what !== reported) opts.onError(err);
      reported = what;
    }
    const now = set.published(opts.clock.now());
    // A new array only when the set of kids changed, so readers may cache by identity.
    if (!sameKids(now, published)) {
      published = now;
      opts.onChange?.(keys);
    }
  };
  let inFlight: Promise<void> | undefined;
  const refresh = (): Promise<void> => {
    inFlight ??= look().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const intervalMs = opts.intervalMs ?? 1000;
  const timer = intervalMs > 0 ? setInterval(() => void refresh(), intervalMs) : undefined;
  timer?.unref();
  return { keys, refresh, stop: () => clearInterval(timer) };
}
