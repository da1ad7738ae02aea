// Reads the result-signing key set (result-key-state.ts) for a service: the
// signer of the current key from the key store, checked against the kid the
// state file recorded for it, and the public JWKs of the retired keys. Which
// retired keys are still published depends on the time, so that is asked
// with the caller's clock (`published(at)`), without reading anything again.
import { PkiError } from '../errors.js';
import type { KeyStore, Signer } from '../keystore/key-store.js';
import { publicJwk, type PublicJwk } from '../lib/jwk.js';
import { readResultKeyState, resultKeyStateStamp, type RetiredResultKey } from './result-key-state.js';

export interface ResultKeySet {
  /** Signs results (ES256: `sign(bytes, 'ieee-p1363')`). */
  readonly current: Signer;
  readonly currentJwk: PublicJwk;
  /** Every retired key, most recently retired first, published or not. */
  readonly retired: readonly RetiredResultKey[];
  /**
   * The JWK Set's keys at `at`: the current key first, then the retired keys
   * whose publishUntil is after `at`, most recently retired first.
   */
  published(at: Date): readonly PublicJwk[];
  /** Whether result-keys.json was replaced (or created) since this set was read: one stat. */
  changed(): Promise<boolean>;
}

export async function openResultKeySet(options: { readonly dataDir: string; readonly keyStore: KeyStore }): Promise<ResultKeySet> {
  const { state, stamp } = await readResultKeyState(options.dataDir);
  const current = await options.keyStore.getSigner(state.current.name);
  if (current.curve !== 'P-256') throw new PkiError('ca_state_corrupt', `the result-signing key '${current.name}' is not P-256`);
  const currentJwk = publicJwk(current.publicKey);
  if (state.current.kid !== undefined && state.current.kid !== currentJwk.kid) {
    throw new PkiError('ca_state_corrupt', `key '${current.name}' in the key store is not the result-signing key result-keys.json names`);
  }
  const retired = state.retired.filter((r) => r.jwk.kid !== currentJwk.kid);
  return {
    current,
    currentJwk,
    retired,
    published: (at) => [currentJwk, ...retired.filter((r) => r.publishUntil.getTime() > at.getTime()).map((r) => r.jwk)],
    changed: async () => (await resultKeyStateStamp(options.dataDir)) !== stamp,
  };
}
