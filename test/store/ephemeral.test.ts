// The EphemeralStore contract, run against the in-process store and a real
// redis-server (test/support/redis.ts): expiry, set-once, atomic take under
// 100 concurrent takers, fixed-window counters, and Redis down → fast typed
// failure (never a hang, never a value).
import assert from 'node:assert/strict';
import type { EphemeralStore } from '../../src/store/ephemeral.js';
import { MemoryStore } from '../../src/store/memory.js';
import { openRedisStore, RedisStore, StoreUnavailableError } from '../../src/store/redis.js';
import { FixedClock } from '../../src/util/clock.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { attemptContract } from './attempt-contract.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function contract(name: string, make: () => Promise<{ store: EphemeralStore; expire: (ms: number) => Promise<void> }>) {
  describe(`EphemeralStore contract: ${name}`, () => {
    let store: EphemeralStore;
    let expire: (ms: number) => Promise<void>;
    beforeEach(async () => {
      ({ store, expire } = await make());
    });
    afterEach(async () => store.close());

    it('setIfAbsent sets once', async () => {
      assert.equal(await store.setIfAbsent('k1', 'a', 10_000), true);
      assert.equal(await store.setIfAbsent('k1', 'b', 10_000), false);
      assert.equal(await store.get('k1'), 'a');
    });

    it('take returns the value once, then null', async () => {
      await store.set('k2', 'v', 10_000);
      assert.equal(await store.take('k2'), 'v');
      assert.equal(await store.take('k2'), null);
      assert.equal(await store.get('k2'), null);
    });

    it('of 100 concurrent takers exactly one gets the value', async () => {
      await store.set('k3', 'once', 10_000);
      const got = await Promise.all(Array.from({ length: 100 }, () => store.take('k3')));
      assert.equal(got.filter((v) => v === 'once').length, 1);
      assert.equal(got.filter((v) => v === null).length, 99);
    });

    it('values expire', async () => {
      await store.set('k4', 'v', 50);
      await expire(120);
      assert.equal(await store.get('k4'), null);
      assert.equal(await store.take('k4'), null);
    });

    it('hit counts within a window and starts a new one after it', async () => {
      const a = await store.hit('c1', 100);
      const b = await store.hit('c1', 100);
      assert.equal(a.count, 1);
      assert.equal(b.count, 2);
      assert.ok(b.resetMs > 0 && b.resetMs <= 100, `resetMs ${b.resetMs}`);
      await expire(150);
      assert.equal((await store.hit('c1', 100)).count, 1);
    });

    it('hitThenTake counts every counter and takes the value when all limits admit', async () => {
      await store.set('k6', 'challenge', 10_000);
      const r = await store.hitThenTake([{ key: 'c-rp', windowMs: 60_000, limit: 5 }, { key: 'c-t', windowMs: 60_000, limit: 1 }], 'k6');
      assert.equal(r.value, 'challenge');
      assert.deepEqual(r.hits.map((h) => h.count), [1, 1]);
      assert.ok(r.hits.every((h) => h.resetMs > 0 && h.resetMs <= 60_000));
      assert.equal(await store.get('k6'), null);
      assert.equal((await store.hitThenTake([], 'k6')).value, null);
    });

    it('hitThenTake refused by one limit still counts, and leaves the value in place', async () => {
      await store.set('k7', 'challenge', 10_000);
      await store.hit('c-t2', 60_000);
      const r = await store.hitThenTake([{ key: 'c-rp2', windowMs: 60_000, limit: 5 }, { key: 'c-t2', windowMs: 60_000, limit: 1 }], 'k7');
      assert.equal(r.value, null);
      assert.deepEqual(r.hits.map((h) => h.count), [1, 2]);
      assert.equal(await store.get('k7'), 'challenge');
      assert.equal((await store.hit('c-rp2', 60_000)).count, 2);
    });

    it('of 50 concurrent hitThenTake callers exactly one gets the value; every hit is counted', async () => {
      await store.set('k8', 'once', 10_000);
      const got = await Promise.all(Array.from({ length: 50 }, () => store.hitThenTake([{ key: 'c-many', windowMs: 60_000, limit: 1000 }], 'k8')));
      assert.equal(got.filter((r) => r.value === 'once').length, 1);
      assert.deepEqual(got.map((r) => r.hits[0]!.count).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
    });

    it('del removes and ping answers', async () => {
      await store.set('k5', 'v', 10_000);
      await store.del('k5');
      assert.equal(await store.get('k5'), null);
      assert.equal(await store.ping(), true);
    });
  });
}

contract('memory', async () => {
  const clock = new FixedClock(new Date('2026-01-01T00:00:00Z'));
  return { store: new MemoryStore(clock), expire: async (ms) => clock.advance(ms) };
});
attemptContract('memory', async () => {
  const clock = new FixedClock(new Date('2026-01-01T00:00:00Z'));
  return { store: new MemoryStore(clock), now: () => clock.now().getTime() };
});

let redis: TestRedis;
describe('RedisStore against redis-server', () => {
  before(async function () {
    this.timeout(20_000);
    redis = await startRedis();
  });
  after(async () => redis?.stop());

  contract('redis', async () => {
    const store = await openRedisStore({ url: redis.url });
    await store.set('prefix-check', 'x', 1000);
    return { store, expire: (ms) => sleep(ms) };
  });

  const opened: RedisStore[] = [];
  after(async () => {
    for (const s of opened) await s.close();
  });
  attemptContract('redis', async () => {
    const store = await openRedisStore({ url: redis.url });
    opened.push(store);
    return { store, now: () => Date.now() };
  });

  it('is marked shared', async () => {
    const store = await openRedisStore({ url: redis.url });
    assert.equal(store.shared, true);
    await store.close();
  });

  it('a Redis that stops answering fails commands fast with StoreUnavailableError', async function () {
    this.timeout(20_000);
    const own = await startRedis();
    const store = await openRedisStore({ url: own.url, commandTimeoutMs: 300 });
    await store.set('x', '1', 10_000);
    // SIGSTOP: the socket stays open but nothing answers (a hung server).
    process.kill(own.pid, 'SIGSTOP');
    try {
      // Refused by our own per-command deadline (not left hanging until some socket timeout).
      await assert.rejects(store.take('x'), (e: unknown) => e instanceof StoreUnavailableError && /no answer within 300 ms/.test(String((e.cause as Error)?.message)));
      assert.equal(await store.ping(), false);
    } finally {
      process.kill(own.pid, 'SIGCONT');
    }
    await store.close();
    // Now stop it for good: commands are refused at once (no offline queue).
    const store2 = await openRedisStore({ url: own.url, commandTimeoutMs: 300 });
    await own.stop();
    await sleep(100);
    // Refused at once by the client (no offline queue), not by waiting for the deadline.
    const refusedAtOnce = (e: unknown) => e instanceof StoreUnavailableError && !/no answer within/.test(String((e.cause as Error)?.message));
    await assert.rejects(store2.hit('c', 1000), refusedAtOnce);
    await assert.rejects(store2.take('x'), refusedAtOnce);
    await store2.close();
  });

  it('connecting to a port with no Redis is a StoreUnavailableError', async () => {
    const s = new RedisStore({ url: 'redis://127.0.0.1:1', connectTimeoutMs: 300 });
    await assert.rejects(s.connect(), StoreUnavailableError);
  });
});
