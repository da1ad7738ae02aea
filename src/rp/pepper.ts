// The keyed-hash secrets of src/rp and src/auth: one 32-byte master secret in
// a file readable by the service only (<data-dir>/rp/pepper.key, 0600); three
// independent keys derived from it with HKDF (RFC 5869) so the API-secret hash,
// the pairwise subject and the seal of webhook secrets never share a key. It is not in the database: a
// stolen registry dump cannot test API secrets or link pairwise subjects to
// citizens.
//
// Created once, explicitly, where the data directory is initialised (the
// service's first start, when it creates the CA, and `cardauth ca init`:
// createPeppers). Every other process only loads it (loadPeppers) and refuses
// to start without it: a new random pepper written silently by a process
// pointed at another data directory (or on a second host) would make every RP
// credential fail with 401 there and change every pairwise `sub`, breaking
// "stable per RP".
import { hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { rpError } from './codes.js';
import { AppError } from '../errors/app-error.js';


/** Keyed-hash secrets (never in the database): RP API secrets and pairwise subjects. */
export interface Peppers {
  readonly apiSecret: Buffer;
  readonly subject: Buffer;
  /** Seals the webhook signing secrets kept in the registry (AES-256-GCM key). */
  readonly webhookSeal: Buffer;
}

export function derivePeppers(master: Uint8Array): Peppers {
  if (master.length < 32) throw new Error('the pepper master secret must be at least 32 bytes');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  return {
    apiSecret: derive('cardauth/v1 rp api secret'),
    subject: derive('cardauth/v1 pairwise subject'),
    webhookSeal: derive('cardauth/v1 webhook secret seal'),
  };
}

/**
 * Load the pepper written when the data directory was initialised. Never
 * creates it: a missing file is `pepper_not_initialised` naming the file.
 */
export function loadPeppers(path: string): Peppers {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw rpError(
      'pepper_not_initialised',
      `The relying-party pepper file ${path} is missing. It is created once, where the data directory is initialised ` +
        '(the first start of cardauth serve, or cardauth ca init); every process of one deployment must use that ' +
        'data directory (CARDAUTH_DATA_DIR) or a copy of that file.',
      { detail: { file: path } },
    );
  }
  const master = Buffer.from(text.trim(), 'base64');
  if (master.length < 32) throw new AppError('config_invalid', `The relying-party pepper file ${path} does not hold a 32-byte secret`, 500);
  // Keep it private to the service account; a process that does not own the
  // file (and so may not chmod it) still reads it.
  try {
    chmodSync(path, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
  }
  return derivePeppers(master);
}

/**
 * Create the pepper if the data directory has none, else keep the one there
 * (it may already key credentials); either way return what is on disk. The
 * secret is written to a private temporary file and linked into place, so a
 * concurrent creator or reader sees either no file or the whole secret, and
 * two creators racing end up with the same one.
 */
export function createPeppers(path: string): { peppers: Peppers; created: boolean } {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  let created = false;
  try {
    try {
      writeSync(fd, randomBytes(32).toString('base64') + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      // link(2) fails with EEXIST instead of replacing: the first creator wins.
      linkSync(tmp, path);
      created = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  } finally {
    unlinkSync(tmp);
  }
  return { peppers: loadPeppers(path), created };
}

/** Where the service and `cardauth rp` keep the pepper master secret. */
export function pepperPath(dataDir: string): string {
  return join(dataDir, 'rp', 'pepper.key');
}
