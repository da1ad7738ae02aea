// GET /v1/auth/challenges/{id}?wait=N — long-poll for relying parties that
// cannot take inbound calls (no webhook endpoint): the state as soon as the
// challenge leaves `pending`, or at N seconds (at most MAX_WAIT_SECONDS, and
// never past the challenge's expiry), whichever comes first.
//
// Portable over the EphemeralStore: a short poll loop of the same reads as a
// plain GET, backing off from 100 ms to 1 s, so it works across processes
// sharing Redis; an outcome stored by this process wakes it at once
// (lib/outcome-signal.ts). Bounded: at most `maxWaiters` waits per process
// (beyond that the state is answered at once, as without `wait`), and a
// wait ends when its client disconnects (`signal`).
import type { AuthDeps } from './deps.js';
import { getChallengeState } from './get-challenge-state.js';
import { outcomeKey } from './lib/store-keys.js';
import type { ChallengeState } from './types.js';
import type { ChallengeId } from './wire.js';
import type { RpId } from '../rp/ids.js';

export const MAX_WAIT_SECONDS = 25;
export const DEFAULT_MAX_WAITERS = 2000;
const FIRST_POLL_MS = 100;
const LONGEST_POLL_MS = 1000;

let waiting = 0;

/** Waits under way in this process (for tests and metrics). */
export const waitsUnderWay = (): number => waiting;

export async function waitForChallengeState(
  deps: AuthDeps,
  rpId: RpId,
  id: ChallengeId,
  terminal: string | undefined,
  opts: { readonly waitSeconds: number; readonly signal?: AbortSignal; readonly maxWaiters?: number },
): Promise<ChallengeState> {
  let state = await getChallengeState(deps, rpId, id, terminal);
  if (state.status !== 'pending' || opts.waitSeconds <= 0) return state;
  if (waiting >= (opts.maxWaiters ?? DEFAULT_MAX_WAITERS)) return state;
  waiting++;
  try {
    // How long, on this process's monotonic clock: the wait asked for, cut at the challenge's expiry.
    const untilExpiry = state.expiresAt.getTime() - deps.clock.now().getTime();
    const deadline = performance.now() + Math.min(Math.min(opts.waitSeconds, MAX_WAIT_SECONDS) * 1000, untilExpiry);
    let pause = FIRST_POLL_MS;
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0 || opts.signal?.aborted) return state;
      await (deps.outcomeSignal?.next(outcomeKey(rpId, id), Math.min(pause, left), opts.signal) ?? sleep(Math.min(pause, left), opts.signal));
      if (opts.signal?.aborted) return state;
      pause = Math.min(pause * 2, LONGEST_POLL_MS);
      state = await getChallengeState(deps, rpId, id, terminal);
      if (state.status !== 'pending') return state;
    }
  } finally {
    waiting--;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
