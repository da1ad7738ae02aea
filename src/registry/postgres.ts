// Database adapter for PostgreSQL through npm `pg` (DATABASE_URL). A pool of
// connections; a transaction holds one connection from BEGIN to COMMIT, and a
// transaction opened inside a transaction becomes a SAVEPOINT on it.
// Values come back as PGlite returns them (int8 as a number, see parseInt8),
// so the same repository code reads both adapters the same way.
import pg from 'pg';
import { mapDbError } from './db-error.js';
import { withSavepoint } from './savepoint.js';
import type { Database, QueryOptions, Sql, SqlParam } from './sql.js';

const INT8 = 20;

/** int8 as a JS number; every int8 of the schema (serials, seq, counters) fits 2^53. */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} does not fit a JS number`);
  return n;
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 && format !== 'binary') return parseInt8;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

function params(p: readonly SqlParam[] | undefined): unknown[] {
  // pg sends a JS array as a PostgreSQL array literal and a Uint8Array as bytea
  // only when it is a Buffer.
  return (p ?? []).map((v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v));
}

/** pg's query config: named (prepared once per connection) when the caller asks. */
function statement(text: string, p: readonly SqlParam[] | undefined, o: QueryOptions | undefined): pg.QueryConfig {
  return o?.prepareAs === undefined ? { text, values: params(p) } : { name: o.prepareAs, text, values: params(p) };
}

class ClientSql implements Sql {
  private savepoints = 0;
  constructor(private readonly client: pg.PoolClient) {}
  async query<Row extends Record<string, unknown>>(text: string, p?: readonly SqlParam[], o?: QueryOptions): Promise<Row[]> {
    try {
      return (await this.client.query<Row>(statement(text, p, o))).rows;
    } catch (err) {
      throw mapDbError(err);
    }
  }
  async exec(script: string): Promise<void> {
    try {
      await this.client.query(script);
    } catch (err) {
      throw mapDbError(err);
    }
  }
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    return withSavepoint(this, `sp_${++this.savepoints}`, fn);
  }
}

export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;

  constructor(url: string, options: { max?: number } = {}) {
    this.pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types, connectionTimeoutMillis: 5_000 });
    // An idle client losing its connection must not crash the process; the
    // next query gets a fresh one (or registry_unavailable).
    this.pool.on('error', () => undefined);
  }

  async query<Row extends Record<string, unknown>>(text: string, p?: readonly SqlParam[], o?: QueryOptions): Promise<Row[]> {
    try {
      return (await this.pool.query<Row>(statement(text, p, o))).rows;
    } catch (err) {
      throw mapDbError(err);
    }
  }

  async exec(script: string): Promise<void> {
    try {
      await this.pool.query(script);
    } catch (err) {
      throw mapDbError(err);
    }
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw mapDbError(err);
    }
    let broken: unknown;
    try {
      await client.query('BEGIN');
      const out = await fn(new ClientSql(client));
      await client.query('COMMIT');
      return out;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        broken = rollbackErr;
      }
      throw mapDbError(err);
    } finally {
      // A connection whose ROLLBACK failed is in an unknown state: destroy it.
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
