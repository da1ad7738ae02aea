// A real PostgreSQL server for tests, started by the harness on loopback on a
// free port. One private server per test
// process, started on first use by scripts/services/postgres.sh and stopped by
// its recorded pid when the process exits; every startPostgres() call gets its
// own fresh database on it, dropped by stop(). Set CARDAUTH_TEST_PG_URL to an
// existing server's admin URL to use that server instead.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '../../scripts/services/postgres.sh');

interface Server {
  readonly adminUrl: string;
  readonly dir: string | undefined;
}

let server: Server | undefined;

function ensureServer(): Server {
  if (server) return server;
  const external = process.env['CARDAUTH_TEST_PG_URL'];
  if (external) {
    server = { adminUrl: external, dir: undefined };
    return server;
  }
  const out = execFileSync('bash', [SCRIPT, 'start'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CARDAUTH_SERVICE_OWNER: String(process.pid) },
  }).trim();
  const [url, , dir] = out.split(/\s+/);
  if (!url || !dir) throw new Error(`postgres.sh start said: ${out}`);
  server = { adminUrl: url, dir };
  process.once('exit', () => {
    // Synchronous on purpose: 'exit' handlers cannot await.
    execFileSync('bash', [SCRIPT, 'stop', dir], { stdio: 'ignore' });
  });
  return server;
}

export interface TestPostgres {
  /** URL of a database of its own, e.g. for DATABASE_URL. */
  readonly url: string;
  /** Drop the database (the server stays up for the rest of the process). */
  stop(): Promise<void>;
}

async function admin<T>(adminUrl: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

export async function startPostgres(): Promise<TestPostgres> {
  const s = ensureServer();
  const name = `cardauth_test_${randomBytes(6).toString('hex')}`;
  await admin(s.adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(s.adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async stop() {
      await admin(s.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
