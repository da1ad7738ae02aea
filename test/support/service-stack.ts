// `cardauth serve` as production runs it, for the fault suite and the soak
// benchmark: its own PostgreSQL and Redis (test/support/fault-services.ts,
// loopback, stopped by pid, restartable on the same port), N workers on a
// free port, and what its users bring: a relying party with terminal atm-1,
// firmware-sim citizen cards issued by the service's own CA and registered,
// and staff (admin0, super1) who sign in over HTTP.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyStore, openCa, type KeyStore } from '../../pki/index.js';
import { PostgresDatabase } from '../../src/registry/postgres.js';
import { loadPeppers, pepperPath } from '../../src/rp/pepper.js';
import { registerRp } from '../../src/rp/repo/register-rp.js';
import { addStaff, login, staffDeps } from '../../src/staff/index.js';
import { MemoryStore } from '../../src/store/memory.js';
import { systemClock } from '../../src/util/clock.js';
import { registerCard } from '../auth/support/fixture.js';
import { startFaultPostgres, startFaultRedis, type FaultService } from './fault-services.js';
import { startService, type RunningService } from './run-bin.js';
import { simCardPool, type SimCardPool } from './sim-cards.js';

const PASSPHRASE = 'service stack key passphrase';
export const STACK_STAFF_PASSWORD = 'service stack staff password';

export interface ServiceStack {
  readonly pg: FaultService;
  readonly redis: FaultService;
  readonly svc: RunningService;
  readonly dir: string;
  /** The registry as the suite sees it (its own pool). */
  readonly db: PostgresDatabase;
  readonly pool: SimCardPool;
  /** `Bearer <key>` of the relying party (terminal atm-1). */
  readonly bearer: string;
  /** A supervisor's session token, signed in over HTTP now (sessions live in Redis). */
  supervisorToken(): Promise<string>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  srv.close();
  return port;
}

export async function startServiceStack(opts: { workers: number; cards: number; logLevel?: string }): Promise<ServiceStack> {
  const [pg, redis] = await Promise.all([startFaultPostgres(), startFaultRedis()]);
  const dir = mkdtempSync(join(tmpdir(), 'cardauth-stack-'));
  let svc: RunningService | undefined;
  let db: PostgresDatabase | undefined;
  let keyStore: KeyStore | undefined;
  let pool: SimCardPool | undefined;
  const close = async (): Promise<void> => {
    pg.thaw();
    redis.thaw();
    await svc?.stop();
    await pool?.close();
    await keyStore?.close();
    await db?.close();
    await pg.stop();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    svc = await startService({
      CARDAUTH_DATA_DIR: dir,
      CARDAUTH_WORKERS: String(opts.workers),
      CARDAUTH_PORT: String(await freePort()),
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      CARDAUTH_KEY_PASSPHRASE: PASSPHRASE,
      CARDAUTH_KEY_PASSPHRASE_FILE: '',
      CARDAUTH_LOG_LEVEL: opts.logLevel ?? 'error',
    });
    // The service made the CA and the RP pepper; cards come from that CA and
    // are registered, with the RP and staff, as the station and the CLI would.
    db = new PostgresDatabase(pg.url);
    keyStore = FileKeyStore.open(join(dir, 'keys'), PASSPHRASE);
    const ca = await openCa({ dataDir: dir, keyStore });
    const { credential } = await registerRp(
      db,
      { name: 'Stack Bank', scopes: ['auth'], terminals: ['atm-1'], rateLimitPerMinute: 10_000_000, terminalRatePerMinute: 10_000_000 },
      loadPeppers(pepperPath(dir)).apiSecret,
      'staff:stack',
      new Date(),
    );
    pool = await simCardPool(ca, opts.cards);
    for (const c of pool.cards) await registerCard(db, c);
    const staff = staffDeps({ sql: db, store: new MemoryStore(), clock: systemClock });
    await addStaff(staff, undefined, { username: 'admin0', displayName: 'Admin', role: 'admin', password: STACK_STAFF_PASSWORD });
    const admin = await login(staff, { username: 'admin0', password: STACK_STAFF_PASSWORD, address: 'stack' });
    await addStaff(staff, admin.principal, { username: 'super1', displayName: 'Supervisor', role: 'supervisor', password: STACK_STAFF_PASSWORD });
    const url = svc.url;
    return {
      pg,
      redis,
      svc,
      dir,
      db,
      pool,
      bearer: `Bearer ${credential.token}`,
      async supervisorToken() {
        const r = await fetch(`${url}/v1/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'super1', password: STACK_STAFF_PASSWORD }) });
        if (r.status !== 200) throw new Error(`supervisor sign-in: ${r.status} ${await r.text()}`);
        return ((await r.json()) as { token: string }).token;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The worker processes of a `cardauth serve` primary (its node children; tsx's esbuild service is a child too). */
export function workerPids(primary: number): number[] {
  const out = execFileSync('ps', ['--ppid', String(primary), '-o', 'pid=,comm='], { encoding: 'utf8' }).trim();
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([, comm]) => comm === 'node')
    .map(([pid]) => Number(pid));
}
