// How the registry, staff and audit commands reach the registry: PostgreSQL
// when DATABASE_URL is set, else PGlite in <data-dir>/registry (data dir:
// --dir, else CARDAUTH_DATA_DIR, else ./.data). Staff sessions for the command
// line live in Redis when REDIS_URL is set, else in the registry itself
// (ephemeral_kv), so a session from `cardauth staff login` outlives the process.
import { resolve } from 'node:path';
import { AppError } from '../../errors/app-error.js';
import { openDatabase } from '../../registry/open-database.js';
import { migrate } from '../../registry/migrate.js';
import { SqlEphemeralStore } from '../../registry/ephemeral-sql.js';
import type { Database } from '../../registry/sql.js';
import type { EphemeralStore } from '../../store/ephemeral.js';
import { staffDeps, type StaffDeps } from '../../staff/deps.js';
import { systemClock } from '../../util/clock.js';
import { CliError, type CliIo } from '../io.js';

export function dataDirOf(dir: string | undefined, io: CliIo): string {
  return resolve(dir ?? io.env['CARDAUTH_DATA_DIR'] ?? '.data');
}

export async function openRegistry(io: CliIo, dir: string | undefined): Promise<Database> {
  return openDatabase({ url: io.env['DATABASE_URL'], dataDir: dataDirOf(dir, io), poolSize: 2 });
}

/** The registry, migrated (idempotent), for commands that need the schema. */
export async function openMigratedRegistry(io: CliIo, dir: string | undefined): Promise<Database> {
  const db = await openRegistry(io, dir);
  try {
    await migrate(db);
    return db;
  } catch (e) {
    await db.close();
    throw e;
  }
}

export async function openStaff(io: CliIo, db: Database): Promise<{ deps: StaffDeps; close(): Promise<void> }> {
  let store: EphemeralStore;
  const url = io.env['REDIS_URL'];
  if (url) {
    const { openRedisStore } = await import('../../store/redis.js');
    store = await openRedisStore({ url });
  } else {
    store = new SqlEphemeralStore(db, systemClock);
  }
  return { deps: staffDeps({ sql: db, store, clock: systemClock }), close: () => store.close() };
}

/** Run `f`, turning typed service errors into CLI errors (message and code, exit 1). */
export async function asCli<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof AppError) throw new CliError(e.message, e.code, e.status === 503 ? 69 : 1);
    throw e;
  }
}
