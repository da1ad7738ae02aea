// The whole service in this process, as `cardauth serve` builds it
// (src/composition/service.ts: every route, the error registry, readiness),
// on a fresh data directory — PGlite and the in-process store by default, or
// PostgreSQL / Redis when their URLs are given — plus staff accounts signed in
// through the staff module. For HTTP tests (supertest on `app`) that need the
// real composition rather than a hand-picked set of routes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildService, type Service } from '../../src/composition/service.js';
import { loadConfig } from '../../src/config.js';
import type { StaffRole } from '../../src/registry/repos/staff.js';
import { addStaff, login, staffDeps, type StaffDeps } from '../../src/staff/index.js';
import { systemClock } from '../../src/util/clock.js';
import { silentLogger, type Logger } from '../../src/util/log.js';

export const STAFF_PASSWORD = 'service test password, long enough';

export interface InProcessService {
  readonly service: Service;
  readonly dir: string;
  readonly staff: StaffDeps;
  /** Add an account of `role` (the first call makes the admin) and sign it in: its session token. */
  signIn(role: StaffRole, username?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startInProcessService(opts: { databaseUrl?: string; redisUrl?: string; env?: Record<string, string>; logger?: Logger } = {}): Promise<InProcessService> {
  const dir = mkdtempSync(join(tmpdir(), 'cardauth-service-'));
  const env: Record<string, string> = {
    CARDAUTH_DATA_DIR: dir,
    CARDAUTH_KEY_PASSPHRASE: 'in-process service passphrase',
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
    ...opts.env,
  };
  const service = await buildService({ config: loadConfig(env), env, logger: opts.logger ?? silentLogger, initCaIfMissing: true });
  const staff = staffDeps({ sql: service.db, store: service.store, clock: systemClock });
  let admin: Awaited<ReturnType<typeof login>> | undefined;
  let n = 0;
  return {
    service,
    dir,
    staff,
    async signIn(role, username = `${role}${++n}`) {
      if (admin === undefined) {
        await addStaff(staff, undefined, { username: 'admin0', displayName: 'Admin Zero', role: 'admin', password: STAFF_PASSWORD });
        admin = await login(staff, { username: 'admin0', password: STAFF_PASSWORD, address: 'test' });
        if (role === 'admin' && username === `${role}${n}`) return admin.token;
      }
      await addStaff(staff, admin.principal, { username, displayName: username, role, password: STAFF_PASSWORD });
      return (await login(staff, { username, password: STAFF_PASSWORD, address: 'test' })).token;
    },
    async close() {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
