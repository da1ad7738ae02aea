// Closing the binding's watcher objects without freezing the process.
//
// node-pcsclite runs one SCardGetStatusChange(INFINITE) loop per reader (and
// one for the reader list) on its own thread. close() is synchronous on the
// JS thread: it calls SCardCancel up to five times, 10 ms apart, then JOINS
// the watcher thread. pcsc-lite's SCardCancel does nothing unless the
// context is already parked in its blocking wait, so a close() that lands
// while the thread is between two calls (right after it reported an event)
// can lose every cancel; the thread then waits for the next reader event
// and the join blocks the whole process, timers included. Reproduced: about
// one hang in 200 open/close cycles with the CPU loaded (gdb: main thread in
// CardReader::Close → uv_thread_join, watcher in SCardGetStatusChange).
//
// The thread re-enters its wait within a few pcscd round trips of reporting
// an event, so closing only after the object has been quiet for a while
// means the cancel finds it waiting. Every event the binding reports is
// recorded with touch(); closeWhenQuiet() waits for the quiet period.

/** Quiet time after the last reported event before close() is safe. */
export const QUIET_BEFORE_CLOSE_MS = 250;
/** Give up waiting for quiet after this long (a reader that never stops flapping). */
const MAX_WAIT_MS = 5000;

const lastEvent = new WeakMap<object, number>();

/** Record that the binding just reported something for `native` (its thread is between waits). */
export function touch(native: object): void {
  lastEvent.set(native, performance.now());
}

/** close() `native` once it has been quiet for QUIET_BEFORE_CLOSE_MS (errors from close are swallowed). */
export async function closeWhenQuiet(native: { close(): void }): Promise<void> {
  const deadline = performance.now() + MAX_WAIT_MS;
  for (;;) {
    const quietFor = performance.now() - (lastEvent.get(native) ?? Number.NEGATIVE_INFINITY);
    if (quietFor >= QUIET_BEFORE_CLOSE_MS || performance.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, QUIET_BEFORE_CLOSE_MS - quietFor));
  }
  try {
    native.close();
  } catch {
    // Its watcher thread already ended (pcscd went away).
  }
}
