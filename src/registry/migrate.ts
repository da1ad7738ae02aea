// Plain SQL migrations, the same for PostgreSQL and PGlite: files migrations/NNN_name.sql,
// applied in lexical order, each in its own transaction, recorded in
// schema_migrations with the SHA-256 of its text. Applying twice changes
// nothing; an applied migration whose file changed afterwards is an error
// (the schema would no longer be what the files say). Concurrent migrators
// (two service processes starting) are serialised by an advisory lock.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registryError } from './codes.js';
import type { Sql } from './sql.js';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
const NAME = /^(\d{3})_[a-z0-9_]+\.sql$/;
// pg_advisory_xact_lock key: any constant shared by every cardauth migrator
const LOCK_KEY = 0x63617264; // 'card'
// Waiting for that lock while another process applies a migration may take
// longer than an ordinary statement's deadline.
const LOCK_WAIT = { timeoutMs: 10 * 60_000 } as const;

export interface Migration {
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrateResult {
  readonly applied: readonly string[];
  readonly alreadyApplied: readonly string[];
}

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.sql'))
    .sort();
  const seen = new Set<string>();
  return names.map((name) => {
    const m = NAME.exec(name);
    if (!m) throw registryError('migration_failed', `migration file name ${name} is not NNN_name.sql`);
    if (seen.has(m[1]!)) throw registryError('migration_failed', `two migrations are numbered ${m[1]}`);
    seen.add(m[1]!);
    const sql = readFileSync(join(dir, name), 'utf8');
    return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

async function ensureTable(sql: Sql): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY], LOCK_WAIT);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name       text        PRIMARY KEY,
      checksum   text        NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });
}

/** Apply every migration not yet applied; check the applied ones are unchanged. */
export async function migrate(sql: Sql, migrations: readonly Migration[] = loadMigrations()): Promise<MigrateResult> {
  await ensureTable(sql);
  const applied: string[] = [];
  const already: string[] = [];
  for (const m of migrations) {
    await sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY], LOCK_WAIT);
      const rows = await tx.query<{ checksum: string }>('SELECT checksum FROM schema_migrations WHERE name = $1', [m.name]);
      const done = rows[0];
      if (done) {
        if (done.checksum !== m.checksum) {
          throw registryError('migration_changed', `migration ${m.name} was changed after it was applied`, {
            detail: { migration: m.name },
          });
        }
        already.push(m.name);
        return;
      }
      try {
        await tx.exec(m.sql);
      } catch (err) {
        throw registryError('migration_failed', `migration ${m.name} failed: ${(err as Error).message}`, {
          cause: err,
          detail: { migration: m.name },
        });
      }
      await tx.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [m.name, m.checksum]);
      applied.push(m.name);
    });
  }
  // An applied migration with no file: this code is older than the database.
  const known = new Set(migrations.map((m) => m.name));
  const rows = await sql.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
  const unknown = rows.map((r) => r.name).filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw registryError('migration_changed', `the database has migrations this version does not know: ${unknown.join(', ')}`, {
      detail: { migrations: unknown },
    });
  }
  return { applied, alreadyApplied: already };
}
