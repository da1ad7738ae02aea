// Database adapter for PGlite (PostgreSQL in WASM, npm `@electric-sql/pglite`),
// the embedded default: data in <data-dir>/registry, nothing to install.
// PGlite runs one statement at a time in one process; its transaction() holds
// the instance exclusively, so transactions are serialised (the chain-head
// lock of the audit log is then trivially uncontended). A transaction opened
// inside a transaction becomes a SAVEPOINT. Note: PGlite runs with fsync
// off, so it is not durable the way a PostgreSQL server is (docs/decisions.md).
//
// Deadlines: PGlite cannot hang the way a server can, but a caller can wait
// long behind others (a long transaction holds the instance). Every query,
// and the wait for a transaction to start, has the same deadline as on
// PostgreSQL (timeoutMs, default 2 s): past it the caller gets
// registry_unavailable. A statement already queued inside PGlite still runs
// when its turn comes (it cannot be withdrawn); a transaction whose turn comes
// after its caller gave up is rolled back without running.
import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { DeadlineExpired, Deadlines } from '../util/deadlines.js';
import { registryError } from './codes.js';
import { mapDbError } from './db-error.js';
import { withSavepoint } from './savepoint.js';
import { lockPgliteDir } from './pglite-lock.js';
import type { Database, QueryOptions, Sql, SqlParam } from './sql.js';

type Queryable = Pick<PGlite, 'query'> | Pick<Transaction, 'query'>;

/** Default deadline of one call, ms (as for PostgreSQL). */
const DEFAULT_TIMEOUT_MS = 2000;

const late = (cause: unknown) =>
  registryError('registry_unavailable', 'The registry database did not answer in time', { cause });

class Calls {
  private readonly deadlines: Deadlines;
  constructor(readonly timeoutMs: number) {
    this.deadlines = new Deadlines(timeoutMs);
  }
  /** `f` with the shared deadline (or a longer one of its own); failures mapped to registry errors. */
  run<T>(f: () => Promise<T>, o?: QueryOptions): Promise<T> {
    const wrap = (err: unknown): Error => (err instanceof DeadlineExpired ? late(err) : (mapDbError(err) as Error));
    if (o?.timeoutMs !== undefined && o.timeoutMs > this.timeoutMs) return new Deadlines(o.timeoutMs).run(f, wrap);
    return this.deadlines.run(f, wrap);
  }
  stop(): void {
    this.deadlines.stop();
  }
}

async function rows<Row>(q: Queryable, text: string, p: readonly SqlParam[] | undefined): Promise<Row[]> {
  return (await q.query<Row>(text, p ? [...p] : [])).rows;
}

class TxSql implements Sql {
  private savepoints = 0;
  constructor(
    private readonly tx: Transaction,
    private readonly calls: Calls,
  ) {}
  query<Row extends Record<string, unknown>>(text: string, p?: readonly SqlParam[], o?: QueryOptions): Promise<Row[]> {
    return this.calls.run(() => rows<Row>(this.tx, text, p), o);
  }
  async exec(script: string): Promise<void> {
    try {
      await this.tx.exec(script);
    } catch (err) {
      throw mapDbError(err);
    }
  }
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    return withSavepoint(this, `sp_${++this.savepoints}`, fn);
  }
}

export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  private readonly calls: Calls;
  private constructor(
    private readonly db: PGlite,
    private readonly unlock: () => void,
    timeoutMs: number,
  ) {
    this.calls = new Calls(timeoutMs);
  }

  /** Open (creating if needed) the registry in `dir`; undefined = in memory (tests). */
  static async open(dir: string | undefined, options: { timeoutMs?: number } = {}): Promise<PgliteDatabase> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (dir === undefined) return new PgliteDatabase(await PGlite.create(), () => {}, timeoutMs);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const unlock = lockPgliteDir(dir);
    try {
      return new PgliteDatabase(await PGlite.create(dir), unlock, timeoutMs);
    } catch (err) {
      unlock();
      throw err;
    }
  }

  query<Row extends Record<string, unknown>>(text: string, p?: readonly SqlParam[], o?: QueryOptions): Promise<Row[]> {
    return this.calls.run(() => rows<Row>(this.db, text, p), o);
  }

  async exec(script: string): Promise<void> {
    try {
      await this.db.exec(script);
    } catch (err) {
      throw mapDbError(err);
    }
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    // The wait for the instance has the deadline; once the transaction runs,
    // each of its statements has its own.
    let gaveUp = false;
    let started!: () => void;
    const turn = new Promise<void>((resolve) => (started = resolve));
    const run = this.db.transaction(async (tx) => {
      started();
      if (gaveUp) throw late(new Error('the transaction started after its caller gave up'));
      return fn(new TxSql(tx, this.calls));
    });
    try {
      await this.calls.run(() => Promise.race([turn, run.then(() => undefined)]));
    } catch (err) {
      gaveUp = true;
      run.catch(() => undefined);
      throw err;
    }
    try {
      return await run;
    } catch (err) {
      throw mapDbError(err);
    }
  }

  async close(): Promise<void> {
    this.calls.stop();
    try {
      await this.db.close();
    } finally {
      this.unlock();
    }
  }
}
