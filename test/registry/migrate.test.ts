// Migrations: applied in order, each once; applying twice changes nothing; an
// applied migration whose text changed is refused (registry migration_changed).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, copyFileSync, writeFileSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMigrations, migrate, MIGRATIONS_DIR } from '../../src/registry/migrate.js';
import { isRegistryError } from '../../src/registry/codes.js';
import { backends, useDatabase } from './support/backends.js';

async function schemaSnapshot(db: { query: (t: string) => Promise<Record<string, unknown>[]> }): Promise<string> {
  const cols = await db.query(
    `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
     WHERE table_schema = 'public' ORDER BY table_name, column_name`,
  );
  const cons = await db.query(`SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY conname`);
  const trg = await db.query(`SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname`);
  return JSON.stringify({ cols, cons, trg });
}

for (const kind of backends) {
  describe(`registry migrations (${kind})`, () => {
    const h = useDatabase(kind);

    it('records every migration with its checksum, in lexical order', async () => {
      const rows = await h.db.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations ORDER BY name');
      const files = loadMigrations();
      assert.deepEqual(
        rows.map((r) => [r.name, r.checksum]),
        files.map((m) => [m.name, m.checksum]),
      );
      assert.deepEqual(files.map((m) => m.name), readdirSync(MIGRATIONS_DIR).filter((n) => n.endsWith('.sql')).sort());
    });

    it('applying again changes nothing', async () => {
      const before = await schemaSnapshot(h.db);
      const again = await migrate(h.db);
      assert.deepEqual(again.applied, []);
      assert.equal(again.alreadyApplied.length, loadMigrations().length);
      assert.equal(await schemaSnapshot(h.db), before);
      const n = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      assert.equal(n[0]!.n, loadMigrations().length);
    });

    it('refuses a migration changed after it was applied, and applies nothing more', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cardauth-mig-'));
      try {
        for (const n of readdirSync(MIGRATIONS_DIR)) copyFileSync(join(MIGRATIONS_DIR, n), join(dir, n));
        appendFileSync(join(dir, '001_audit_log.sql'), '\n-- edited later\n');
        writeFileSync(join(dir, '999_later.sql'), 'CREATE TABLE should_not_exist (x int);');
        await assert.rejects(migrate(h.db, loadMigrations(dir)), (e) => isRegistryError(e, 'migration_changed') && /001_audit_log/.test(e.message));
        const t = await h.db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'should_not_exist'`);
        assert.equal(t.length, 0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('rolls a failing migration back whole (no half-applied schema, not recorded)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cardauth-mig-'));
      try {
        for (const n of readdirSync(MIGRATIONS_DIR)) copyFileSync(join(MIGRATIONS_DIR, n), join(dir, n));
        writeFileSync(join(dir, '998_broken.sql'), 'CREATE TABLE half_done (x int);\nSELECT * FROM no_such_table;');
        await assert.rejects(migrate(h.db, loadMigrations(dir)), (e) => isRegistryError(e, 'migration_failed') && /998_broken/.test(e.message));
        assert.equal((await h.db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`)).length, 0);
        assert.equal((await h.db.query(`SELECT 1 FROM schema_migrations WHERE name = '998_broken.sql'`)).length, 0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('refuses a database with a migration this version does not know', async () => {
      await h.db.query(`INSERT INTO schema_migrations (name, checksum) VALUES ('950_future.sql', $1)`, ['0'.repeat(64)]);
      try {
        await assert.rejects(migrate(h.db), (e) => isRegistryError(e, 'migration_changed') && /950_future/.test(e.message));
      } finally {
        await h.db.query(`DELETE FROM schema_migrations WHERE name = '950_future.sql'`);
      }
    });
  });
}
