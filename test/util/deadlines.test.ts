// Deadlines (src/util/deadlines.ts): one timer for every call under way,
// each call settled exactly once — by its own outcome or by the deadline.
import assert from 'node:assert/strict';
import { Deadlines } from '../../src/util/deadlines.js';

class Wrapped extends Error {
  override readonly name = 'Wrapped';
}
const wrap = (cause: unknown) => new Wrapped('store did not answer', { cause });
const never = () => new Promise<never>(() => undefined);

describe('Deadlines', () => {
  it('passes a value through and wraps a failure, thrown or rejected', async () => {
    const d = new Deadlines(1000);
    assert.equal(await d.run(async () => 7, wrap), 7);
    await assert.rejects(
      d.run(() => Promise.reject(new Error('boom')), wrap),
      (e: unknown) => e instanceof Wrapped && (e.cause as Error).message === 'boom',
    );
    await assert.rejects(
      d.run(() => {
        throw new Error('sync');
      }, wrap),
      (e: unknown) => e instanceof Wrapped && (e.cause as Error).message === 'sync',
    );
    assert.equal(d.pending, 0);
    d.stop();
  });

  it('rejects every call still unsettled at its deadline, and only those', async () => {
    const d = new Deadlines(40);
    const started = performance.now();
    const hung = [d.run(never, wrap), d.run(never, wrap)];
    const quick = d.run(() => new Promise<string>((r) => setTimeout(() => r('in time'), 5)), wrap);
    const late = new Promise<number>((r) => setTimeout(() => r(1), 20)).then(() => d.run(never, wrap));
    assert.equal(await quick, 'in time');
    for (const h of hung) await assert.rejects(h, (e: unknown) => e instanceof Wrapped && /no answer within 40 ms/.test((e.cause as Error).message));
    assert.ok(performance.now() - started >= 40, 'not before the deadline');
    // The call started 20 ms later has its own, later deadline.
    await assert.rejects(late, Wrapped);
    assert.ok(performance.now() - started >= 60);
    assert.equal(d.pending, 0);
    d.stop();
  });

  it('a value arriving after the deadline does not change the rejection', async () => {
    const d = new Deadlines(10);
    let answer: (v: string) => void = () => undefined;
    const call = d.run(() => new Promise<string>((r) => (answer = r)), wrap);
    await assert.rejects(call, Wrapped);
    answer('too late'); // no unhandled rejection, no second settlement
    await new Promise((r) => setTimeout(r, 5));
    d.stop();
  });

  it('keeps many calls in one queue and forgets the settled ones', async () => {
    const d = new Deadlines(50);
    const values = await Promise.all(Array.from({ length: 3000 }, (_, i) => d.run(async () => i, wrap)));
    assert.equal(values[2999], 2999);
    assert.equal(d.pending, 0);
    await assert.rejects(d.run(never, wrap), Wrapped); // the sweep after the burst still works
    d.stop();
  });
});
