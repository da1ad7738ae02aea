// The result-signing key set of a CA, <data-dir>/pki/result-keys.json:
//   { "version": 1,
//     "current": { "name": "result-signing-2", "kid": "<RFC 7638>", "since": "<ISO 8601>" },
//     "retired": [ { "name": "result-signing", "jwk": { ...ES256 public JWK, kid }, "retiredAt": "…", "publishUntil": "…" } ] }
// `current` names the key-store key that signs results; `retired` keeps every
// previous key's public JWK (most recent first) and until when it stays in
// /.well-known/jwks.json, so results it signed still verify there (RFC 7517
// §5: a JWK Set may hold several keys told apart by kid). The private halves
// stay in the key store and are never used again.
//
// No file is the state of a CA initialised before rotation existed, and of
// every CA until its first rotation: the key named 'result-signing' is
// current and nothing is retired.
//
// The file is replaced whole (temporary file, fsync, rename, fsync of the
// directory): a reader sees the old set or the new one, never half, also
// after a crash. Writers hold the lock file (rotate-result-key.ts).
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PkiError } from '../errors.js';
import { checkKeyName, keyNames } from '../keystore/key-store.js';
import { jwkThumbprint, type PublicJwk } from '../lib/jwk.js';
import { pkiDir, pkiFiles } from './files.js';

export interface CurrentResultKey {
  /** Key-store name of the key that signs results now. */
  readonly name: string;
  /** Its kid; undefined only for the implicit state of a CA never rotated. */
  readonly kid: string | undefined;
  /** When it became current; undefined only for the implicit state. */
  readonly since: Date | undefined;
}

export interface RetiredResultKey {
  readonly name: string;
  readonly jwk: PublicJwk;
  readonly retiredAt: Date;
  /** Published in the JWKS while the clock is before this instant. */
  readonly publishUntil: Date;
}

export interface ResultKeyState {
  readonly current: CurrentResultKey;
  /** Most recently retired first. */
  readonly retired: readonly RetiredResultKey[];
}

/** Identifies one version of the file (or its absence): a rename gives a new inode. */
export type ResultKeyStateStamp = string & { readonly __brand: 'ResultKeyStateStamp' };

const ABSENT = 'absent' as ResultKeyStateStamp;
/** A state file is a few hundred bytes per rotation; anything this large is not ours. */
const MAX_STATE_BYTES = 1 << 20;
const KID = /^[A-Za-z0-9_-]{43}$/;
const COORDINATE = /^[A-Za-z0-9_-]{43}$/;

export const initialResultKeyState: ResultKeyState = {
  current: { name: keyNames.resultSigning, kid: undefined, since: undefined },
  retired: [],
};

export function resultKeyStatePath(dataDir: string): string {
  return join(pkiDir(dataDir), pkiFiles.resultKeys);
}

function stampOf(s: { dev: number; ino: number; size: number; mtimeMs: number; ctimeMs: number }): ResultKeyStateStamp {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}` as ResultKeyStateStamp;
}

/** One stat: cheap enough to run every second, or before answering a JWKS request. */
export async function resultKeyStateStamp(dataDir: string): Promise<ResultKeyStateStamp> {
  try {
    return stampOf(await stat(resultKeyStatePath(dataDir)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ABSENT;
    throw new PkiError('ca_state_corrupt', `cannot read ${pkiFiles.resultKeys}`, { cause: err });
  }
}

/** The state and the stamp of exactly the bytes read (fstat of the open file). */
export async function readResultKeyState(dataDir: string): Promise<{ state: ResultKeyState; stamp: ResultKeyStateStamp }> {
  const path = resultKeyStatePath(dataDir);
  let text: string;
  let stamp: ResultKeyStateStamp;
  try {
    const fh = await open(path, 'r');
    try {
      const st = await fh.stat();
      if (!st.isFile() || st.size > MAX_STATE_BYTES) throw new PkiError('ca_state_corrupt', `${path} is not a result-key state file`);
      stamp = stampOf(st);
      text = await fh.readFile('utf8');
    } finally {
      await fh.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: initialResultKeyState, stamp: ABSENT };
    if (err instanceof PkiError) throw err;
    throw new PkiError('ca_state_corrupt', `cannot read ${path}`, { cause: err });
  }
  return { state: parseResultKeyState(text, path), stamp };
}

function corrupt(path: string, what: string): PkiError {
  return new PkiError('ca_state_corrupt', `${path}: ${what}`);
}

function date(v: unknown, path: string, what: string): Date {
  const d = typeof v === 'string' ? new Date(v) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime()) || d.toISOString() !== v) throw corrupt(path, `${what} is not an ISO 8601 UTC time`);
  return d;
}

function keyName(v: unknown, path: string): string {
  if (typeof v !== 'string') throw corrupt(path, 'a key name is missing');
  try {
    checkKeyName(v);
  } catch {
    throw corrupt(path, `'${v}' is not a key name`);
  }
  return v;
}

function publicJwkFrom(v: unknown, path: string): PublicJwk {
  const j = (v ?? {}) as Record<string, unknown>;
  if (j['kty'] !== 'EC' || j['crv'] !== 'P-256' || j['alg'] !== 'ES256' || j['use'] !== 'sig') throw corrupt(path, 'a retired key is not an ES256 JWK');
  const { x, y, kid } = j;
  if (typeof x !== 'string' || typeof y !== 'string' || !COORDINATE.test(x) || !COORDINATE.test(y)) throw corrupt(path, 'a retired key has bad coordinates');
  // The kid must be the key's own thumbprint: a mixed-up entry would publish
  // a key under another key's name.
  if (typeof kid !== 'string' || kid !== jwkThumbprint({ crv: 'P-256', kty: 'EC', x, y })) throw corrupt(path, 'a retired key has a kid that is not its thumbprint');
  return { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' };
}

export function parseResultKeyState(text: string, path = pkiFiles.resultKeys as string): ResultKeyState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new PkiError('ca_state_corrupt', `${path} is not valid JSON`, { cause: err });
  }
  const o = (raw ?? {}) as Record<string, unknown>;
  if (o['version'] !== 1) throw corrupt(path, 'unknown version');
  const c = (o['current'] ?? {}) as Record<string, unknown>;
  if (typeof c['kid'] !== 'string' || !KID.test(c['kid'])) throw corrupt(path, 'the current key has no kid');
  const current: CurrentResultKey = { name: keyName(c['name'], path), kid: c['kid'], since: date(c['since'], path, 'current.since') };
  if (!Array.isArray(o['retired'])) throw corrupt(path, 'retired is not a list');
  const names = new Set([current.name]);
  const retired = o['retired'].map((r: unknown): RetiredResultKey => {
    const e = (r ?? {}) as Record<string, unknown>;
    const entry = {
      name: keyName(e['name'], path),
      jwk: publicJwkFrom(e['jwk'], path),
      retiredAt: date(e['retiredAt'], path, 'retiredAt'),
      publishUntil: date(e['publishUntil'], path, 'publishUntil'),
    };
    if (names.has(entry.name)) throw corrupt(path, `key '${entry.name}' is listed twice`);
    names.add(entry.name);
    return entry;
  });
  return { current, retired };
}

export function serializeResultKeyState(state: ResultKeyState): string {
  if (state.current.kid === undefined || state.current.since === undefined) throw new Error('only a rotated state is written');
  return `${JSON.stringify(
    {
      version: 1,
      current: { name: state.current.name, kid: state.current.kid, since: state.current.since.toISOString() },
      retired: state.retired.map((r) => ({
        name: r.name,
        jwk: r.jwk,
        retiredAt: r.retiredAt.toISOString(),
        publishUntil: r.publishUntil.toISOString(),
      })),
    },
    null,
    2,
  )}\n`;
}

/**
 * Replaces the state file atomically. The caller holds the rotation lock, so
 * one fixed temporary name is enough; it is removed if anything fails.
 */
export function writeResultKeyState(dataDir: string, state: ResultKeyState): void {
  const file = resultKeyStatePath(dataDir);
  const tmp = `${file}.tmp`;
  const text = serializeResultKeyState(state);
  try {
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // not a file of ours (e.g. a directory in the way): leave it
    }
    throw new PkiError('ca_state_corrupt', `cannot write ${file}`, { cause: err });
  }
  // The rename is the commit: the new set is in force from here on, so
  // nothing after it may fail the write (a caller would undo a key that is
  // already current). Syncing the directory makes the rename itself durable.
  try {
    const dir = openSync(pkiDir(dataDir), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // best effort: the file system may not sync directories
  }
}
