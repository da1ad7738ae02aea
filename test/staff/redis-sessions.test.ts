// Staff sessions and sign-in limits on a real Redis (started by
// test/support/redis.ts) through the RedisStore adapter: the same rules as with
// the in-process store, shared by two "processes" (two store clients).
import assert from 'node:assert/strict';
import { openRedisStore, type RedisStore } from '../../src/store/redis.js';
import { addStaff, authenticateSession, isStaffError, login, setDisabled, staffDeps } from '../../src/staff/index.js';
import { systemClock } from '../../src/util/clock.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { resetRegistry, useDatabase } from '../registry/support/backends.js';

const PW = 'redis backed password';

describe('staff sessions on Redis', function () {
  this.timeout(60_000);
  const h = useDatabase('postgres');
  let redis: TestRedis;
  let a: RedisStore;
  let b: RedisStore;
  before(async () => {
    redis = await startRedis();
    a = await openRedisStore({ url: redis.url });
    b = await openRedisStore({ url: redis.url });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });
  beforeEach(() => resetRegistry(h.db));

  it('a session made by one process is valid in another and ends there when the account is disabled', async () => {
    const p1 = staffDeps({ sql: h.db, store: a, clock: systemClock });
    const p2 = staffDeps({ sql: h.db, store: b, clock: systemClock });
    await addStaff(p1, undefined, { username: 'root', displayName: 'Root', role: 'admin', password: PW });
    const root = await login(p1, { username: 'root', password: PW, address: 'a' });
    await addStaff(p1, root.principal, { username: 'officer1', displayName: 'O', role: 'officer', password: PW });
    const s = await login(p1, { username: 'officer1', password: PW, address: 'a' });
    assert.equal((await authenticateSession(p2, s.token)).username, 'officer1');
    await setDisabled(p2, root.principal, s.principal.staffId, true);
    await assert.rejects(authenticateSession(p1, s.token), (e) => isStaffError(e, 'staff_session_invalid'));
  });

  it('failed sign-ins counted in one process lock the account in the other', async () => {
    const p1 = staffDeps({ sql: h.db, store: a, clock: systemClock });
    const p2 = staffDeps({ sql: h.db, store: b, clock: systemClock });
    await addStaff(p1, undefined, { username: 'root', displayName: 'Root', role: 'admin', password: PW });
    await a.del('staff:login-fail:acct:root');
    for (let i = 0; i < 5; i++) {
      await assert.rejects(login(i % 2 ? p1 : p2, { username: 'root', password: `wrong password ${i}`, address: `x${i}` }), (e) => isStaffError(e, 'staff_login_failed'));
    }
    await assert.rejects(login(p2, { username: 'root', password: PW, address: 'y' }), (e) => isStaffError(e, 'staff_login_limited'));
  });
});
