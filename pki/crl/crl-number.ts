// The CRL number (RFC 5280 §5.2.3: monotonically increasing) kept in a
// counter file in the pki directory. Increments are serialised in-process by
// a promise chain and across processes by an O_EXCL lock file; the new value
// is written to a temporary file, fsynced and renamed, so a crash never
// leaves a lower or torn number. A deployment with several hosts supplies its
// own CrlNumberSource (e.g. a database sequence) instead.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { PkiError } from '../errors.js';

export interface CrlNumberSource {
  /** The next CRL number, strictly greater than every number returned before. */
  next(): Promise<bigint>;
}

const LOCK_WAIT_MS = 5_000;
const STALE_LOCK_MS = 30_000;

export class FileCrlNumber implements CrlNumberSource {
  private chain: Promise<unknown> = Promise.resolve();
  constructor(private readonly file: string) {}

  next(): Promise<bigint> {
    const run = this.chain.then(() => this.increment());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async lock(): Promise<number> {
    const lockFile = `${this.file}.lock`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        return openSync(lockFile, 'wx', 0o600);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        try {
          if (Date.now() - statSync(lockFile).mtimeMs > STALE_LOCK_MS) rmSync(lockFile, { force: true });
        } catch {
          // the holder removed it meanwhile
        }
        if (Date.now() > deadline) throw new PkiError('ca_state_corrupt', 'the CRL number is locked by another process');
        await sleep(10);
      }
    }
  }

  private async increment(): Promise<bigint> {
    const fd = await this.lock();
    try {
      let current: bigint;
      try {
        const text = readFileSync(this.file, 'utf8').trim();
        if (!/^\d{1,40}$/.test(text)) throw new Error('not a number');
        current = BigInt(text);
      } catch (err) {
        throw new PkiError('ca_state_corrupt', 'the CRL number file is missing or damaged', { cause: err });
      }
      const next = current + 1n;
      const tmp = `${this.file}.tmp`;
      const out = openSync(tmp, 'w', 0o600);
      try {
        writeSync(out, `${next}\n`);
        fsyncSync(out);
      } finally {
        closeSync(out);
      }
      renameSync(tmp, this.file);
      return next;
    } finally {
      closeSync(fd);
      rmSync(`${this.file}.lock`, { force: true });
    }
  }
}
