// The registry's database port. Two adapters implement it with the same SQL:
// PostgreSQL through `pg` (DATABASE_URL set) and PGlite in the data directory
// (the embedded default). Domain code gets an `Sql`, never a pg or PGlite object.
export type SqlParam = string | number | bigint | boolean | null | Date | Uint8Array | readonly string[];

export interface QueryOptions {
  /**
   * Keep the statement prepared under this name on each PostgreSQL
   * connection (parsed and planned once per connection, not per call): for
   * the few statements on a hot path. One name, one text. PGlite ignores it.
   */
  readonly prepareAs?: string;
  /**
   * This statement's deadline, ms, when it needs longer than the database's
   * own (e.g. waiting for the migration lock). The pg adapter also raises the
   * server's statement_timeout for it.
   */
  readonly timeoutMs?: number;
}

export interface Sql {
  /** Run one statement with $1… parameters; rows come back as plain objects. */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: readonly SqlParam[],
    options?: QueryOptions,
  ): Promise<Row[]>;
  /**
   * Run `fn` in one transaction (BEGIN … COMMIT, ROLLBACK on throw). The `tx`
   * handed in must be used for every statement of the transaction.
   */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Run a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface Database extends Sql {
  readonly kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}
