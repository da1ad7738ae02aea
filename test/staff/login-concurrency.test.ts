// Concurrent guesses must not outrun the sign-in limit: a burst of guesses
// against one account — from many addresses, through two service processes
// sharing one Redis — gets at most the policy's number of password checks;
// every other guess is refused staff_login_limited without a check, whether
// or not it carried the right password. Real Redis, real PostgreSQL.
import assert from 'node:assert/strict';
import { isAppError } from '../../src/errors/app-error.js';
import { addStaff, defaultStaffPolicy, login, staffDeps, type StaffDeps } from '../../src/staff/index.js';
import { openRedisStore, type RedisStore } from '../../src/store/redis.js';
import { systemClock } from '../../src/util/clock.js';
import { resetRegistry, useDatabase } from '../registry/support/backends.js';
import { startRedis, type TestRedis } from '../support/redis.js';

const PW = 'the one right password';
const GUESSES = 40;

describe('staff sign-in under concurrent guesses (Redis shared by two processes)', function () {
  this.timeout(120_000);
  const h = useDatabase('postgres');
  let redis: TestRedis;
  let a: RedisStore;
  let b: RedisStore;
  before(async () => {
    redis = await startRedis();
    [a, b] = await Promise.all([openRedisStore({ url: redis.url }), openRedisStore({ url: redis.url })]);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });
  beforeEach(() => resetRegistry(h.db));

  it(`${GUESSES} concurrent guesses, one of them right: at most the policy's checks happen`, async () => {
    // A queue long enough for every guess, so none is turned away as staff_busy
    // instead; and a first wait long enough that no guess of the burst is
    // admitted again by the clock, however slowly this machine runs it.
    const policy = { maxQueuedHashes: 2 * GUESSES, accountThrottle: { ...defaultStaffPolicy.accountThrottle, delayMs: 10 * 60_000 } };
    const p1: StaffDeps = staffDeps({ sql: h.db, store: a, clock: systemClock, policy });
    const p2: StaffDeps = staffDeps({ sql: h.db, store: b, clock: systemClock, policy });
    await addStaff(p1, undefined, { username: 'root', displayName: 'Root', role: 'admin', password: PW });
    const guesses = Array.from({ length: GUESSES }, (_, i) => (i === GUESSES - 1 ? PW : `wrong guess number ${i}`));
    const outcomes = await Promise.all(
      guesses.map((password, i) =>
        login(i % 2 ? p1 : p2, { username: 'root', password, address: `198.51.100.${i}` }).then(
          () => 'signed in',
          (e: unknown) => (isAppError(e) ? e.code : String(e)),
        ),
      ),
    );
    const tally = outcomes.reduce<Record<string, number>>((t, o) => ({ ...t, [o]: (t[o] ?? 0) + 1 }), {});
    const checked = (tally['staff_login_failed'] ?? 0) + (tally['signed in'] ?? 0);
    assert.ok(checked <= p1.policy.accountThrottle.free, `password checks: ${checked} (${JSON.stringify(tally)})`);
    assert.equal(tally['staff_login_limited'], GUESSES - checked, JSON.stringify(tally));
  });
});
