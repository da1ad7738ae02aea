// Rotates the key that signs authentication results (ES256, RFC 7518 §3.4):
// a new P-256 key is generated in the key store (file or PKCS#11) under the
// next versioned name (result-signing-2, -3, …), becomes current, and the
// previous key is retired but stays in /.well-known/jwks.json for the overlap
// (RFC 7517 §5; relying parties pick a key by the JWS `kid`, RFC 7515
// §4.1.4), so results it signed keep verifying while RPs refresh their copy
// of the JWK Set. Running services pick the new set up from result-keys.json
// within about a second, without a restart.
//
// All or nothing: the state file is replaced atomically (result-key-state.ts)
// and is the commit; if anything before it fails, the key just generated is
// removed again and the old set stays in force. Two rotations never run at
// once (an O_EXCL lock file; a second one is refused with ca_busy). Only the
// data directory and the key store are needed, not the registry, so it runs
// beside a running service.
import { closeSync, existsSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PkiError } from '../errors.js';
import { keyNames, type KeyStore } from '../keystore/key-store.js';
import { publicJwk, type PublicJwk } from '../lib/jwk.js';
import { wholeSeconds } from '../lib/time.js';
import { pkiDir, pkiFiles } from './files.js';
import { readResultKeyState, resultKeyStatePath, writeResultKeyState, type ResultKeyState } from './result-key-state.js';

export const DEFAULT_RESULT_KEY_OVERLAP_DAYS = 30;
export const MIN_RESULT_KEY_OVERLAP_DAYS = 1;
/** A retired key published for over a year is a key nobody retired. */
export const MAX_RESULT_KEY_OVERLAP_DAYS = 365;
const DAY_MS = 86_400_000;
/** Names left behind by a failed rotation whose clean-up failed too are skipped, up to this many. */
const MAX_NAME_TRIES = 16;

export interface RotateResultKeyOptions {
  readonly dataDir: string;
  readonly keyStore: KeyStore;
  /** How long the previous key stays published: whole days, 1–365, default 30. */
  readonly overlapDays?: number;
  readonly now?: Date;
}

export interface RotatedResultKey {
  readonly name: string;
  readonly kid: string;
  readonly jwk: PublicJwk;
  readonly previous: { readonly name: string; readonly kid: string; readonly publishUntil: Date };
}

export function checkOverlapDays(days: number): number {
  if (!Number.isInteger(days) || days < MIN_RESULT_KEY_OVERLAP_DAYS || days > MAX_RESULT_KEY_OVERLAP_DAYS) {
    throw new PkiError(
      'result_key_overlap_invalid',
      `the overlap must be a whole number of days from ${MIN_RESULT_KEY_OVERLAP_DAYS} to ${MAX_RESULT_KEY_OVERLAP_DAYS}`,
    );
  }
  return days;
}

const VERSIONED = new RegExp(`^${keyNames.resultSigning}-(\\d{1,6})$`);

function nextVersion(state: ResultKeyState): number {
  let max = 1; // the key of `ca init` is version 1
  for (const name of [state.current.name, ...state.retired.map((r) => r.name)]) {
    const m = VERSIONED.exec(name);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

function lock(dataDir: string): () => void {
  const file = `${resultKeyStatePath(dataDir)}.lock`;
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      // Not taken over by age: a rotation interrupted by a crash is for the
      // operator to look at (the message names the file to remove).
      throw new PkiError('ca_busy', `another result-key rotation holds ${file}; if none is running, remove that file`);
    }
    throw new PkiError('ca_state_corrupt', `cannot create ${file}`, { cause: err });
  }
  try {
    writeSync(fd, `${process.pid} ${new Date().toISOString()}\n`);
  } finally {
    closeSync(fd);
  }
  return () => rmSync(file, { force: true });
}

export async function rotateResultKey(options: RotateResultKeyOptions): Promise<RotatedResultKey> {
  const overlapDays = checkOverlapDays(options.overlapDays ?? DEFAULT_RESULT_KEY_OVERLAP_DAYS);
  const dir = pkiDir(options.dataDir);
  if (!existsSync(join(dir, pkiFiles.config))) throw new PkiError('ca_not_initialised', `no CA in ${dir}; run 'cardauth ca init'`);
  const store = options.keyStore;
  const unlock = lock(options.dataDir);
  try {
    const now = wholeSeconds(options.now ?? new Date());
    const { state } = await readResultKeyState(options.dataDir);
    // The key being retired must be the one the state names, and still there:
    // its public half is what keeps old results verifiable.
    const old = await store.getSigner(state.current.name);
    const oldJwk = publicJwk(old.publicKey);
    if (state.current.kid !== undefined && state.current.kid !== oldJwk.kid) {
      throw new PkiError('ca_state_corrupt', `key '${old.name}' in the key store is not the result-signing key result-keys.json names`);
    }

    let version = nextVersion(state);
    let name = `${keyNames.resultSigning}-${version}`;
    for (let tries = 1; await store.has(name); tries++) {
      if (tries >= MAX_NAME_TRIES) throw new PkiError('key_exists', `keys up to '${name}' already exist in the key store`);
      name = `${keyNames.resultSigning}-${++version}`;
    }
    const fresh = await store.generate(name, 'P-256');
    try {
      const jwk = publicJwk(fresh.publicKey);
      const publishUntil = new Date(now.getTime() + overlapDays * DAY_MS);
      const next: ResultKeyState = {
        current: { name, kid: jwk.kid, since: now },
        retired: [{ name: old.name, jwk: oldJwk, retiredAt: now, publishUntil }, ...state.retired.filter((r) => r.name !== old.name)],
      };
      writeResultKeyState(options.dataDir, next);
      return { name, kid: jwk.kid, jwk, previous: { name: old.name, kid: oldJwk.kid, publishUntil } };
    } catch (err) {
      // Undo: a key no state names is never used, but it need not stay.
      await store.remove(name).catch(() => undefined);
      throw err;
    }
  } finally {
    unlock();
  }
}
