// The composition root's one way to get the registry (docs/architecture.md, "Registry"):
// PostgreSQL when a URL is given (DATABASE_URL), else PGlite in
// <data-dir>/registry. Migrations are applied separately (./migrate.ts).
import { join } from 'node:path';
import type { Database } from './sql.js';

export interface OpenDatabaseOptions {
  /** postgres://… (DATABASE_URL). When absent, the embedded PGlite is used. */
  readonly url?: string | undefined;
  /** The service data directory; PGlite keeps its files in <dataDir>/registry. */
  readonly dataDir: string;
  /** pg pool size (ignored for PGlite). */
  readonly poolSize?: number;
  /** Deadline of one registry call, ms (default 2000): see postgres.ts and pglite.ts. */
  readonly timeoutMs?: number;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.url !== undefined && opts.url !== '') {
    const { PostgresDatabase } = await import('./postgres.js');
    return new PostgresDatabase(opts.url, {
      ...(opts.poolSize === undefined ? {} : { max: opts.poolSize }),
      ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    });
  }
  const { PgliteDatabase } = await import('./pglite.js');
  return PgliteDatabase.open(join(opts.dataDir, 'registry'), opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs });
}

/** An in-memory PGlite registry (tests, demos): nothing on disk. */
export async function openMemoryDatabase(): Promise<Database> {
  const { PgliteDatabase } = await import('./pglite.js');
  return PgliteDatabase.open(undefined);
}
