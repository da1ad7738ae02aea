// `cardauth db migrate|status`: the registry schema (plain SQL migrations;
// applying them twice changes nothing).
//   db migrate [--dir <data-dir>]   apply pending migrations (DATABASE_URL, else PGlite in <data-dir>/registry)
//   db status  [--dir <data-dir>]   list migrations: applied, pending, changed
import { parseArgs } from 'node:util';
import { loadMigrations, migrate } from '../../registry/migrate.js';
import { CliError, type CliIo } from '../io.js';
import { asCli, openRegistry } from './registry-env.js';

const USAGE = `usage:
  cardauth db migrate [--dir <data-dir>]
  cardauth db status  [--dir <data-dir>]
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  let values: { dir?: string | undefined };
  try {
    ({ values } = parseArgs({ args: rest, options: { dir: { type: 'string' } }, strict: true }));
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n${USAGE}`, 'usage', 2);
  }
  if (sub !== 'migrate' && sub !== 'status') {
    (sub === undefined || sub === '--help' ? io.stdout : io.stderr).write(USAGE);
    return sub === '--help' ? 0 : 2;
  }
  const db = await asCli(() => openRegistry(io, values.dir));
  try {
    if (sub === 'migrate') {
      const r = await asCli(() => migrate(db));
      for (const name of r.applied) io.stdout.write(`applied ${name}\n`);
      io.stdout.write(
        r.applied.length === 0
          ? `registry (${db.kind}) is up to date: ${r.alreadyApplied.length} migrations applied\n`
          : `registry (${db.kind}): ${r.applied.length} applied, ${r.alreadyApplied.length} were already applied\n`,
      );
      return 0;
    }
    const files = loadMigrations();
    const exists = await db.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
    const applied = new Map<string, string>();
    if (exists[0]?.t) {
      for (const r of await db.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations')) applied.set(r.name, r.checksum);
    }
    let pending = 0;
    let changed = 0;
    for (const m of files) {
      const c = applied.get(m.name);
      const state = c === undefined ? 'pending' : c === m.checksum ? 'applied' : 'CHANGED';
      if (state === 'pending') pending++;
      if (state === 'CHANGED') changed++;
      io.stdout.write(`${state.padEnd(8)} ${m.name}\n`);
    }
    return changed > 0 ? 1 : pending > 0 ? 3 : 0;
  } finally {
    await db.close();
  }
}
