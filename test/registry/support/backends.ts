// Run the same registry test body against both adapters: a real PostgreSQL
// server that the harness starts on loopback on a free port, and PGlite. One
// database per backend per test file (an in-memory PGlite takes ~3.7 s and
// ~715 MiB to start: docs/decisions.md);
// resetRegistry() empties it between tests.
import { PgliteDatabase } from '../../../src/registry/pglite.js';
import { PostgresDatabase } from '../../../src/registry/postgres.js';
import { migrate } from '../../../src/registry/migrate.js';
import type { Database } from '../../../src/registry/sql.js';
import { startPostgres, type TestPostgres } from '../../support/postgres.js';

export const backends = ['pglite', 'postgres'] as const;
export type Backend = (typeof backends)[number];

export interface BackendHandle {
  db: Database;
  /** postgres only: the URL of this test file's database (for a second pool / the CLI). */
  url: string | undefined;
}

/** Open a migrated database of `kind` in a mocha `before`, closed in `after`. */
export function useDatabase(kind: Backend): BackendHandle {
  const h = { db: undefined as unknown as Database, url: undefined as string | undefined };
  let pgServer: TestPostgres | undefined;
  before(async function () {
    this.timeout(120_000);
    if (kind === 'pglite') {
      h.db = await PgliteDatabase.open(undefined);
    } else {
      pgServer = await startPostgres();
      h.url = pgServer.url;
      h.db = new PostgresDatabase(pgServer.url);
    }
    await migrate(h.db);
  });
  after(async () => {
    await h.db?.close();
    await pgServer?.stop();
  });
  return h;
}

const TABLES = ['ephemeral_kv', 'station_jobs', 'stations', 'approvals', 'staff', 'certificates', 'cards', 'issuance_jobs', 'card_stock', 'citizens', 'audit_log'];

/**
 * Empty every table of the registry, including the append-only audit log (its
 * guard triggers are switched off for this one transaction: tests connect as
 * the database superuser/owner, which production code does not).
 */
export async function resetRegistry(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.exec(`
      ALTER TABLE audit_log DISABLE TRIGGER USER;
      ALTER TABLE audit_head DISABLE TRIGGER USER;
      TRUNCATE ${TABLES.join(', ')};
      UPDATE audit_head SET seq = 0, hash = '\\x${'00'.repeat(32)}';
      UPDATE crl_state SET number = 0;
      ALTER TABLE audit_log ENABLE TRIGGER USER;
      ALTER TABLE audit_head ENABLE TRIGGER USER;
    `);
  });
}

/** Run `fn` with the audit log's guard triggers off (to tamper with it in a test). */
export async function asTamperer(db: Database, script: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.exec(`ALTER TABLE audit_log DISABLE TRIGGER USER; ALTER TABLE audit_head DISABLE TRIGGER USER;`);
    await tx.exec(script);
    await tx.exec(`ALTER TABLE audit_log ENABLE TRIGGER USER; ALTER TABLE audit_head ENABLE TRIGGER USER;`);
  });
}
