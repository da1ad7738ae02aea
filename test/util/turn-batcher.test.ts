// turnBatcher: the lookups of one event-loop turn reach `load` together.
import assert from 'node:assert/strict';
import { turnBatcher } from '../../src/util/turn-batcher.js';

function recorder(fail?: Error) {
  const calls: string[][] = [];
  const lookup = turnBatcher<string>(async (keys) => {
    calls.push([...keys]);
    if (fail) throw fail;
    return new Map(keys.filter((k) => k !== 'absent').map((k) => [k, k.toUpperCase()]));
  }, { maxBatch: 3 });
  return { calls, lookup };
}

describe('turnBatcher', () => {
  it('sends the lookups of one turn in one load, each key once, and answers each caller', async () => {
    const { calls, lookup } = recorder();
    const got = await Promise.all([lookup('a'), lookup('b'), lookup('a'), lookup('absent')]);
    assert.deepEqual(got, ['A', 'B', 'A', undefined]);
    // maxBatch 3: a, b, absent in the first load (the second 'a' joins it)
    assert.deepEqual(calls, [['a', 'b', 'absent']]);
  });

  it('flushes at maxBatch distinct keys and starts a new batch; later turns get their own load', async () => {
    const { calls, lookup } = recorder();
    const got = await Promise.all(['a', 'b', 'c', 'd'].map((k) => lookup(k)));
    assert.deepEqual(got, ['A', 'B', 'C', 'D']);
    assert.deepEqual(calls, [['a', 'b', 'c'], ['d']]);
    assert.equal(await lookup('e'), 'E');
    assert.deepEqual(calls.at(-1), ['e']);
  });

  it('while maxInFlight loads are out, lookups wait and go together in the next one', async () => {
    const calls: string[][] = [];
    const gates: Array<() => void> = [];
    const lookup = turnBatcher<string>(
      (keys) => {
        calls.push([...keys]);
        return new Promise((resolve) => gates.push(() => resolve(new Map(keys.map((k) => [k, k.toUpperCase()])))));
      },
      { maxInFlight: 1 },
    );
    const first = lookup('a');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(calls, [['a']]);
    const later = [lookup('b'), lookup('c')];
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(calls, [['a']], 'b and c wait for the load under way');
    gates.shift()!();
    assert.equal(await first, 'A');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(calls, [['a'], ['b', 'c']]);
    gates.shift()!();
    assert.deepEqual(await Promise.all(later), ['B', 'C']);
  });

  it('a failing load rejects every lookup of its batch with its error', async () => {
    const boom = new Error('database unreachable');
    const { lookup } = recorder(boom);
    const got = await Promise.allSettled([lookup('a'), lookup('b')]);
    assert.deepEqual(got.map((g) => (g.status === 'rejected' ? g.reason : g.value)), [boom, boom]);
  });

  it('a lookup has a deadline: waiting behind loads that never finish, or in one, it is rejected, and an expired key is not loaded', async () => {
    const calls: string[][] = [];
    const lookup = turnBatcher<string>(
      (keys) => {
        calls.push([...keys]);
        return new Promise(() => undefined); // a database that stopped answering
      },
      { maxInFlight: 2, timeoutMs: 30, timeoutError: () => new Error('no answer in time') },
    );
    const inFlight = [lookup('a'), lookup('b')];
    await new Promise((r) => setImmediate(r));
    const second = lookup('c');
    await new Promise((r) => setImmediate(r));
    const queued = [lookup('d'), lookup('e')]; // both loads are out: these wait
    const all = await Promise.allSettled([...inFlight, second, ...queued]);
    for (const r of all) {
      assert.equal(r.status, 'rejected');
      assert.match(String((r as PromiseRejectedResult).reason), /no answer in time/);
    }
    assert.deepEqual(calls, [['a', 'b'], ['c']], 'the expired lookups d and e never reached the database');
  });

  it('a load that answers after its lookups expired is ignored; later lookups are served', async () => {
    const gates: Array<() => void> = [];
    const lookup = turnBatcher<string>(
      (keys) => new Promise((resolve) => gates.push(() => resolve(new Map(keys.map((k) => [k, k.toUpperCase()]))))),
      { maxInFlight: 1, timeoutMs: 20, timeoutError: () => new Error('late') },
    );
    await assert.rejects(lookup('a'), /late/);
    gates.shift()!();
    const next = lookup('b');
    await new Promise((r) => setImmediate(r));
    gates.shift()!();
    assert.equal(await next, 'B');
  });
});
