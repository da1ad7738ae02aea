// The registry-backed EphemeralStore (CLI sessions without Redis) on both
// backends: set-once, atomic take, fixed-window counters, expiry by the clock.
import assert from 'node:assert/strict';
import { SqlEphemeralStore } from '../../src/registry/ephemeral-sql.js';
import { FixedClock } from '../../src/util/clock.js';
import { backends, resetRegistry, useDatabase } from './support/backends.js';
import { attemptContract } from '../store/attempt-contract.js';

for (const kind of backends) {
  describe(`SqlEphemeralStore (${kind})`, () => {
    const h = useDatabase(kind);
    let clock: FixedClock;
    let store: SqlEphemeralStore;
    beforeEach(async () => {
      await resetRegistry(h.db);
      clock = new FixedClock(new Date('2026-03-01T00:00:00Z'));
      store = new SqlEphemeralStore(h.db, clock);
    });
    attemptContract(kind, async () => ({ store, now: () => clock.now().getTime() }));

    it('setIfAbsent sets once until expiry; get honours expiry', async () => {
      assert.equal(await store.setIfAbsent('k', 'a', 1000), true);
      assert.equal(await store.setIfAbsent('k', 'b', 1000), false);
      assert.equal(await store.get('k'), 'a');
      clock.advance(1000);
      assert.equal(await store.get('k'), null);
      assert.equal(await store.setIfAbsent('k', 'c', 1000), true);
      assert.equal(await store.get('k'), 'c');
    });

    it('take hands the value to exactly one of concurrent takers', async () => {
      await store.set('once', 'v', 60_000);
      const got = await Promise.all(Array.from({ length: 8 }, () => store.take('once')));
      assert.deepEqual(got.filter((x) => x !== null), ['v']);
      await store.set('old', 'v', 10);
      clock.advance(10);
      assert.equal(await store.take('old'), null);
    });

    it('hit counts within a window and restarts after it', async () => {
      assert.deepEqual(await store.hit('c', 1000), { count: 1, resetMs: 1000 });
      clock.advance(400);
      assert.deepEqual(await store.hit('c', 1000), { count: 2, resetMs: 600 });
      const many = await Promise.all(Array.from({ length: 5 }, () => store.hit('c', 1000)));
      assert.deepEqual(many.map((m) => m.count).sort(), [3, 4, 5, 6, 7]);
      clock.advance(600);
      assert.deepEqual(await store.hit('c', 1000), { count: 1, resetMs: 1000 });
      await store.del('c');
      assert.equal(await store.get('c'), null);
      assert.equal(await store.ping(), true);
    });

    it('hitThenTake counts every counter in one transaction and takes only when all limits admit', async () => {
      await store.set('ch', 'v', 60_000);
      await store.hit('t', 1000);
      const refused = await store.hitThenTake([{ key: 'rp', windowMs: 1000, limit: 5 }, { key: 't', windowMs: 1000, limit: 1 }], 'ch');
      assert.deepEqual(refused, { hits: [{ count: 1, resetMs: 1000 }, { count: 2, resetMs: 1000 }], value: null });
      assert.equal(await store.get('ch'), 'v');
      clock.advance(1000);
      const got = await Promise.all(Array.from({ length: 4 }, () => store.hitThenTake([{ key: 't', windowMs: 1000, limit: 10 }], 'ch')));
      assert.deepEqual(got.map((g) => g.value).filter((x) => x !== null), ['v']);
      assert.deepEqual(got.map((g) => g.hits[0]!.count).sort(), [1, 2, 3, 4]);
    });
  });
}
