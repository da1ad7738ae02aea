// The reserveAttempt / refundAttempt contract of every EphemeralStore (the
// in-process store, Redis, the registry-backed store): free attempts, then a
// doubling wait up to its ceiling, a lock at lockAt, nothing recorded for a
// refused attempt, refunds, and a concurrent burst admitting exactly the
// free attempts. Time is the `nowMs` the caller gives, so no test sleeps.
import assert from 'node:assert/strict';
import type { AttemptSpec, EphemeralStore } from '../../src/store/ephemeral.js';

export function attemptContract(name: string, make: () => Promise<{ store: EphemeralStore; now: () => number }>): void {
  describe(`reserveAttempt contract: ${name}`, () => {
    const spec = (key: string, over: Partial<AttemptSpec> = {}): AttemptSpec => ({ key, windowMs: 3_600_000, free: 2, delayMs: 1000, maxDelayMs: 4000, lockAt: 6, ...over });

    it('admits the free attempts, then waits 1, 2, 4, 4 s, then locks; a refused attempt records nothing', async () => {
      const { store, now } = await make();
      const t0 = now();
      const s = [spec('att-a')];
      const at = async (t: number) => store.reserveAttempt(s, t);
      assert.deepEqual((await at(t0)).counts, [1]);
      assert.deepEqual((await at(t0)).counts, [2]);
      const early = await at(t0 + 999);
      assert.deepEqual([early.admitted, early.locked, early.retryAfterMs, early.counts], [false, false, 1, [2]]);
      assert.equal((await at(t0 + 1000)).admitted, true); // 3
      assert.equal((await at(t0 + 1000 + 1999)).retryAfterMs, 1);
      assert.equal((await at(t0 + 3000)).admitted, true); // 4, then 4 s
      assert.equal((await at(t0 + 6999)).admitted, false);
      assert.equal((await at(t0 + 7000)).admitted, true); // 5, then 4 s (the ceiling, not 8)
      assert.equal((await at(t0 + 11_000)).admitted, true); // 6 = lockAt
      const locked = await at(t0 + 1_000_000);
      assert.deepEqual([locked.admitted, locked.locked, locked.counts], [false, true, [6]]);
      assert.ok(locked.retryAfterMs > 0 && locked.retryAfterMs <= 3_600_000, `retryAfterMs ${locked.retryAfterMs}`);
      await store.del('att-a');
      assert.deepEqual((await at(t0 + 1_000_001)).counts, [1], 'deleting the record lifts the lock');
    });

    it('with two records, one refusing admits nothing on the other', async () => {
      const { store, now } = await make();
      const t = now();
      const busy = spec('att-b1', { free: 1 });
      const other = spec('att-b2', { free: 10 });
      await store.reserveAttempt([busy], t);
      const r = await store.reserveAttempt([other, busy], t);
      assert.deepEqual([r.admitted, r.counts], [false, [0, 1]]);
      assert.deepEqual((await store.reserveAttempt([other], t)).counts, [1]);
    });

    it('refundAttempt gives one place back, never below zero, and keeps the record', async () => {
      const { store, now } = await make();
      const t = now();
      const s = [spec('att-c', { free: 1, lockAt: 2 })];
      await store.reserveAttempt(s, t);
      await store.refundAttempt('att-c');
      await store.refundAttempt('att-c');
      await store.refundAttempt('att-none');
      assert.deepEqual((await store.reserveAttempt(s, t)).counts, [1]);
      assert.equal((await store.reserveAttempt(s, t)).admitted, false, 'the wait after the first attempt still holds');
    });

    it('of a concurrent burst exactly the free attempts are admitted', async () => {
      const { store, now } = await make();
      const t = now();
      const s = [spec('att-d', { free: 5, lockAt: 5 }), spec('att-d-addr', { free: 100, lockAt: 100 })];
      const got = await Promise.all(Array.from({ length: 30 }, () => store.reserveAttempt(s, t)));
      assert.equal(got.filter((r) => r.admitted).length, 5);
      assert.deepEqual(got.filter((r) => r.admitted).map((r) => r.counts[0]).sort(), [1, 2, 3, 4, 5]);
      assert.deepEqual((await store.reserveAttempt([s[1]!], t)).counts, [6], 'the refused ones counted nowhere');
    });
  });
}
