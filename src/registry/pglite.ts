// Database adapter for PGlite (PostgreSQL in WASM, npm `@electric-sql/pglite`),
// the embedded default: data in <data-dir>/registry, nothing to install.
// PGlite runs one statement at a time in one process; its transaction() holds
// the instance exclusively, so transactions are serialised (the chain-head
// lock of the audit log is then trivially uncontended). A transaction opened
// inside a transaction becomes a SAVEPOINT. Note: PGlite runs with fsync
// off, so it is not durable the way a PostgreSQL server is (docs/decisions.md).
import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { mapDbError } from './db-error.js';
import { withSavepoint } from './savepoint.js';
import { lockPgliteDir } from './pglite-lock.js';
import type { Database, Sql, SqlParam } from './sql.js';

type Queryable = Pick<PGlite, 'query'> | Pick<Transaction, 'query'>;

async function run<Row>(q: Queryable, text: string, p: readonly SqlParam[] | undefined): Promise<Row[]> {
  try {
    return (await q.query<Row>(text, p ? [...p] : [])).rows;
  } catch (err) {
    throw mapDbError(err);
  }
}

class TxSql implements Sql {
  private savepoints = 0;
  constructor(private readonly tx: Transaction) {}
  query<Row extends Record<string, unknown>>(text: string, p?: readonly SqlParam[]): Promise<Row[]> {
    return run<Row>(this.tx, text, p);
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
  private constructor(
    private readonly db: PGlite,
    private readonly unlock: () => void,
  ) {}

  /** Open (creating if needed) the registry in `dir`; undefined = in memory (tests). */
  static async open(dir: string | undefined): Promise<PgliteDatabase> {
    if (dir === undefined) return new PgliteDatabase(await PGlite.create(), () => {});
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const unlock = lockPgliteDir(dir);
    try {
      return new PgliteDatabase(await PGlite.create(dir), unlock);
    } catch (err) {
      unlock();
      throw err;
    }
  }

  query<Row extends Record<string, unknown>>(text: string, p?: readonly SqlParam[]): Promise<Row[]> {
    return run<Row>(this.db, text, p);
  }

  async exec(script: string): Promise<void> {
    try {
      await this.db.exec(script);
    } catch (err) {
      throw mapDbError(err);
    }
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction((tx) => fn(new TxSql(tx)));
    } catch (err) {
      throw mapDbError(err);
    }
  }

  async close(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      this.unlock();
    }
  }
}
