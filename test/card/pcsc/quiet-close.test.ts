// closeWhenQuiet: the binding's close() only after QUIET_BEFORE_CLOSE_MS
// without events (see src/card/pcsc/quiet-close.ts for the hang it avoids).
import assert from 'node:assert/strict';
import { QUIET_BEFORE_CLOSE_MS, closeWhenQuiet, touch } from '../../../src/card/pcsc/quiet-close.js';

function fakeNative(): { close(): void; closedAt: number | undefined } {
  const n = {
    closedAt: undefined as number | undefined,
    close() {
      n.closedAt = performance.now();
    },
  };
  return n;
}

describe('PC/SC quiet close', () => {
  it('closes an object that never reported anything without waiting (before the call returns)', async () => {
    const n = fakeNative();
    const closing = closeWhenQuiet(n);
    assert.notEqual(n.closedAt, undefined);
    await closing;
  });

  it('waits for the quiet period after the last event, and again after an event during the wait', async () => {
    const n = fakeNative();
    touch(n);
    const closing = closeWhenQuiet(n);
    await new Promise((r) => setTimeout(r, QUIET_BEFORE_CLOSE_MS / 2));
    assert.equal(n.closedAt, undefined);
    const lastEvent = performance.now();
    touch(n);
    await closing;
    assert.ok(n.closedAt !== undefined);
    assert.ok(n.closedAt - lastEvent >= QUIET_BEFORE_CLOSE_MS - 1, `closed ${n.closedAt - lastEvent} ms after the last event`);
  });

  it('swallows an error from close (the watcher thread already ended)', async () => {
    await closeWhenQuiet({
      close() {
        throw new Error('SCardCancel error');
      },
    });
  });
});
