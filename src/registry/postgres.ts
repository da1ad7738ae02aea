// Database adapter for PostgreSQL through npm `pg` (DATABASE_URL). A pool of
// connections; a transaction holds one connection from BEGIN to COMMIT, and a
// transaction opened inside a transaction becomes a SAVEPOINT on it.
// Values come back as PGlite returns them (int8 as a number, see parseInt8),
// so the same repository code reads both adapters the same way.
//
// Deadlines: every call — waiting for a pooled connection, opening one, and
// each statement — has one (timeoutMs, default 2 s). A server that accepted
// the socket but stopped answering (SIGSTOP, a storage stall, a lock held by a
// hung client) costs a caller at most that long; past it the call fails with
// registry_unavailable (503), never a hang. The connection of a statement past
// its deadline is in an unknown state (the answer may still come): it is
// destroyed, never reused, and a transaction on it is neither committed nor
// rolled back by us — the server rolls it back when the connection closes.
// The server enforces the same limit (statement_timeout), so it stops work
// nobody waits for. Scripts (migrations) and statements given their own
// `timeoutMs` get a longer limit on both sides.
import pg from 'pg';
import { registryError } from './codes.js';
import { mapDbError } from './db-error.js';
import { withSavepoint } from './savepoint.js';
import type { Database, QueryOptions, Sql, SqlParam } from './sql.js';

const INT8 = 20;
/** Default deadline of one registry call, ms. */
export const DEFAULT_REGISTRY_TIMEOUT_MS = 2000;
/** Default deadline of a script (exec: migrations), ms. */
const SCRIPT_TIMEOUT_MS = 10 * 60_000;
/** A transaction left idle this long by a client that stopped (killed, frozen) is ended by the server. */
const IDLE_IN_TRANSACTION_MS = 60_000;

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

const late = (ms: number, what: string) =>
  registryError('registry_unavailable', 'The registry database did not answer in time', { cause: new Error(`${what}: no answer within ${ms} ms`) });

/**
 * An error of the server about the statement (a pg DatabaseError: SQLSTATE,
 * the connection still in step), as opposed to the connection failing.
 */
const statementError = (err: unknown): boolean => err instanceof pg.DatabaseError;

/** One pooled connection lent to a caller: released once, destroyed when in doubt. */
class Lease {
  private released = false;
  broken = false;
  constructor(readonly client: pg.PoolClient) {}
  release(destroy: boolean): void {
    if (this.released) return;
    this.released = true;
    this.client.release(destroy ? new Error('connection discarded') : undefined);
  }
  /** Run one statement with a deadline; past it the connection is destroyed. */
  run<T>(ms: number, what: string, f: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.broken) return Promise.reject(late(ms, `${what} on a connection that already missed a deadline`));
    return new Promise<T>((resolve, reject) => {
      let expired = false;
      const timer = setTimeout(() => {
        expired = true;
        this.broken = true;
        this.release(true);
        reject(late(ms, what));
      }, ms);
      let call: Promise<T>;
      try {
        call = f(this.client);
      } catch (err) {
        clearTimeout(timer);
        reject(mapDbError(err));
        return;
      }
      call.then(
        (v) => {
          clearTimeout(timer);
          if (!expired) resolve(v);
        },
        (err: unknown) => {
          clearTimeout(timer);
          if (expired) return;
          if (!statementError(err)) this.broken = true;
          reject(mapDbError(err));
        },
      );
    });
  }
}

class ClientSql implements Sql {
  private savepoints = 0;
  constructor(
    private readonly lease: Lease,
    private readonly timeoutMs: number,
  ) {}
  async query<Row extends Record<string, unknown>>(text: string, p?: readonly SqlParam[], o?: QueryOptions): Promise<Row[]> {
    const ms = o?.timeoutMs ?? this.timeoutMs;
    // A longer limit for this statement: the server's too, for the rest of the transaction.
    if (ms > this.timeoutMs) await this.lease.run(this.timeoutMs, 'SET LOCAL', (c) => c.query(`SET LOCAL statement_timeout = ${Math.ceil(ms)}`));
    return (await this.lease.run(ms, 'statement', (c) => c.query<Row>(statement(text, p, o)))).rows;
  }
  async exec(script: string): Promise<void> {
    await this.lease.run(this.timeoutMs, 'SET LOCAL', (c) => c.query(`SET LOCAL statement_timeout = ${SCRIPT_TIMEOUT_MS}`));
    await this.lease.run(SCRIPT_TIMEOUT_MS, 'script', (c) => c.query(script));
  }
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    return withSavepoint(this, `sp_${++this.savepoints}`, fn);
  }
}

export interface PostgresOptions {
  /** Pool size (default 10). */
  readonly max?: number;
  /** Deadline of one call, ms: waiting for or opening a connection, and each statement (default 2000). */
  readonly timeoutMs?: number;
}

export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly timeoutMs: number;

  constructor(url: string, options: PostgresOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REGISTRY_TIMEOUT_MS;
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      types,
      // pg-pool applies this both to opening a connection and to waiting for a free one.
      connectionTimeoutMillis: this.timeoutMs,
      statement_timeout: this.timeoutMs,
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
      keepAlive: true,
    });
    // An idle client losing its connection must not crash the process; the
    // next query gets a fresh one (or registry_unavailable).
    this.pool.on('error', () => undefined);
  }

  /** A connection from the pool within `ms` (the caller's remaining budget). */
  private acquire(ms: number): Promise<Lease> {
    return new Promise<Lease>((resolve, reject) => {
      let expired = false;
      const timer = setTimeout(() => {
        expired = true;
        reject(late(ms, 'connection'));
      }, ms);
      this.pool.connect().then(
        (client) => {
          clearTimeout(timer);
          if (expired) client.release(); // arrived late and healthy: back to the pool
          else resolve(new Lease(client));
        },
        (err: unknown) => {
          clearTimeout(timer);
          if (!expired) reject(mapDbError(err));
        },
      );
    });
  }

  async query<Row extends Record<string, unknown>>(text: string, p?: readonly SqlParam[], o?: QueryOptions): Promise<Row[]> {
    // A statement given a longer limit than the server's: in a transaction of its own, which sets it.
    if (o?.timeoutMs !== undefined && o.timeoutMs > this.timeoutMs) return this.transaction((tx) => tx.query<Row>(text, p, o));
    const started = performance.now();
    const lease = await this.acquire(this.timeoutMs);
    const left = Math.max(1, this.timeoutMs - (performance.now() - started));
    try {
      const r = await lease.run(left, 'statement', (c) => c.query<Row>(statement(text, p, o)));
      lease.release(false);
      return r.rows;
    } catch (err) {
      lease.release(lease.broken);
      throw err;
    }
  }

  async exec(script: string): Promise<void> {
    const lease = await this.acquire(this.timeoutMs);
    try {
      await lease.run(this.timeoutMs, 'SET', (c) => c.query(`SET statement_timeout = ${SCRIPT_TIMEOUT_MS}`));
      await lease.run(SCRIPT_TIMEOUT_MS, 'script', (c) => c.query(script));
    } finally {
      // Its statement_timeout was changed for this script: never lend it again.
      lease.release(true);
    }
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    const lease = await this.acquire(this.timeoutMs);
    const tx = new ClientSql(lease, this.timeoutMs);
    try {
      await tx.query('BEGIN');
      const out = await fn(tx);
      await tx.query('COMMIT');
      lease.release(false);
      return out;
    } catch (err) {
      if (!lease.broken) {
        try {
          await tx.query('ROLLBACK');
        } catch {
          lease.broken = true;
        }
      }
      // A connection whose ROLLBACK failed, or that missed a deadline, is in an unknown state: destroy it.
      lease.release(lease.broken);
      throw mapDbError(err);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
