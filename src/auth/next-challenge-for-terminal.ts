// GET /v1/auth/terminals/{terminalId}/next-challenge: the terminal picks up
// its work without anyone typing a challenge id. Challenge creation writes
// the terminal's pointer (lib/terminal-store-keys.ts) in the same round trip
// as the challenge; this long poll reads it every `pollMs` until it names a
// challenge that is still pending and is not the one the terminal says it
// already took (`after`), or until the wait is over.
//
// Why a pointer to the newest and not a queue: a terminal serves one citizen
// at a time, and an RP that makes a second challenge for the same terminal
// has given up on the first (the customer changed the amount); offering the
// stale one first would show the citizen the wrong amount. The older
// challenge stays valid by its id until it expires or is cancelled.
//
// Why polling: the store port has no blocking pop, and with several service
// processes the challenge may be made in another process than the one the
// terminal waits on. One GET per pollMs per waiting terminal is cheap for
// Redis (and free for the in-process store); the read is non-destructive,
// so a terminal that lost the answer (a dropped connection, a restart) asks
// again and gets the same challenge.
import { presentChallenge } from './create-challenge.js';
import type { AuthDeps } from './deps.js';
import { challengeKey } from './lib/store-keys.js';
import { storeCall } from './lib/store-call.js';
import { terminalNextKey } from './lib/terminal-store-keys.js';
import type { ChallengeRecord } from './types.js';
import { isChallengeId, type ChallengeId, type IssuedChallenge } from './wire.js';
import type { RpId, TerminalId } from '../rp/ids.js';

export const MAX_TERMINAL_WAIT_SECONDS = 30;
export const DEFAULT_TERMINAL_POLL_MS = 250;

export interface NextChallengeRequest {
  readonly rpId: RpId;
  readonly terminalId: TerminalId;
  /** The challenge the terminal took last: never offered again. */
  readonly after?: ChallengeId | undefined;
  /** How long to wait for one, ms (0: look once). */
  readonly waitMs: number;
  /** Ends the wait early (the terminal hung up). */
  readonly signal?: AbortSignal;
}

export async function nextChallengeForTerminal(
  deps: AuthDeps,
  req: NextChallengeRequest,
  opts: { readonly pollMs?: number } = {},
): Promise<IssuedChallenge | undefined> {
  const pollMs = opts.pollMs ?? DEFAULT_TERMINAL_POLL_MS;
  const deadline = performance.now() + req.waitMs;
  const pointer = terminalNextKey(req.rpId, req.terminalId);
  // An id whose challenge was gone (used, cancelled, expired) is not read again.
  let gone: string | undefined;
  for (;;) {
    const id = await storeCall('read terminal pointer', () => deps.store.get(pointer));
    if (id !== null && id !== req.after && id !== gone && isChallengeId(id)) {
      const raw = await storeCall('read challenge', () => deps.store.get(challengeKey(req.rpId, id)));
      const record = raw === null ? undefined : (JSON.parse(raw) as ChallengeRecord);
      if (record !== undefined && record.terminalId === req.terminalId && deps.clock.now().getTime() < record.expiresAt) return presentChallenge(record);
      gone = id;
    }
    if (req.signal?.aborted || performance.now() + pollMs > deadline) return undefined;
    await pause(pollMs, req.signal);
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
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
