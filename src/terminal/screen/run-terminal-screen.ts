// The terminal with a screen for the citizen: wait for work from the
// service, run it at the card reader with the page as display and PIN pad,
// show the outcome, back to idle — until stopped.
//
//   idle ──next-challenge (long poll)──▶ one run (authenticate.ts) ──▶ outcome ──▶ idle
//
// One run ends early when the challenge expires, or when the RP cancels it
// (its state is looked at every `statusPollMs` until the card signs). What
// the citizen does is reported to the RP as progress hints; when the citizen
// ends the run here (card pulled out, Cancel, PIN blocked, tries used up,
// a card or request that cannot be used) the terminal says why and cancels
// the challenge, so the RP is not left waiting for its expiry.
import type { CardReaders } from '../../card/channel.js';
import { isAppError } from '../../errors/app-error.js';
import type { Logger } from '../../util/log.js';
import { silentLogger } from '../../util/log.js';
import { authenticate } from '../authenticate.js';
import type { ServerConfig } from '../server/http.js';
import { nextChallenge } from '../server/next-challenge.js';
import { abandonChallenge, challengeStatus, reportProgress, type ReportableHint } from '../server/report-progress.js';
import type { IssuedChallenge as TerminalChallenge } from '../../auth/wire.js';
import type { TerminalOutcome } from '../types.js';
import { waitForCard } from '../wait-for-card.js';
import { pageRunIo } from './page-run-io.js';
import type { ScreenHub } from './screen-hub.js';
import { outcomeView, type OutcomeView } from './screen-state.js';

export interface TerminalScreenOptions {
  readonly hub: ScreenHub;
  readonly server: ServerConfig;
  readonly terminalId: string;
  readonly readers: CardReaders;
  readonly readerName: string;
  /** How long an outcome stays on screen (ms, default 8000); pulling the card out ends it sooner. */
  readonly outcomeMs?: number;
  /** Long-poll wait (s, default 25). */
  readonly waitSeconds?: number;
  /** How often a running challenge's state is looked at (ms, default 2000). */
  readonly statusPollMs?: number;
  readonly maxPinAttempts?: number;
  readonly retryDelaysMs?: readonly number[];
  readonly log?: Logger;
}

export interface RunningTerminalScreen {
  stop(): Promise<void>;
}

/** The hint that tells the RP why the citizen's run ended here; undefined when it did not end here. */
function endedHere(o: TerminalOutcome): ReportableHint | undefined {
  switch (o.kind) {
    case 'card-removed':
      return 'card_removed';
    case 'pin-entry-cancelled':
      return 'citizen_cancelled';
    case 'pin-blocked':
      return 'pin_blocked';
    case 'wrong-pin':
      return o.triesLeft === 0 ? 'pin_blocked' : 'pin_wrong';
    case 'card-not-supported':
    case 'card-error':
      return 'card_not_usable';
    case 'challenge-refused':
      return 'terminal_refused';
    default:
      return undefined;
  }
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

export function runTerminalScreen(opts: TerminalScreenOptions): RunningTerminalScreen {
  const { hub, server, terminalId, readers, readerName } = opts;
  const log = (opts.log ?? silentLogger).child({ terminalId });
  const stopping = new AbortController();
  let cardPresent: boolean | null = null;
  let service: 'ok' | 'connecting' | 'refused' = 'connecting';
  const idle = (): void => hub.set({ screen: 'idle', card: cardPresent, service });

  const unsubscribe = [
    readers.on('inserted', (e) => {
      if (e.reader !== readerName) return;
      cardPresent = true;
      if (hub.state.screen === 'idle') idle();
    }),
    readers.on('removed', (e) => {
      if (e.reader !== readerName) return;
      cardPresent = false;
      if (hub.state.screen === 'idle') idle();
    }),
  ];
  void readers
    .list()
    .then((list) => {
      cardPresent = list.find((r) => r.name === readerName)?.cardPresent ?? false;
      if (hub.state.screen === 'idle') idle();
    })
    .catch(() => undefined);

  async function runOne(challenge: TerminalChallenge, rpName: string): Promise<OutcomeView> {
    const ended = new AbortController();
    const endedBy = (why: 'expired' | 'cancelled' | 'stopped') => () => ended.abort(why);
    const untilExpiry = Date.parse(challenge.expiresAt) - Date.now();
    const expiry = setTimeout(endedBy('expired'), Math.max(0, untilExpiry));
    const onStop = endedBy('stopped');
    stopping.signal.addEventListener('abort', onStop, { once: true });
    // Reports leave in order, one at a time; the run never waits for them.
    let reports = Promise.resolve();
    const report = (hint: ReportableHint): void => {
      reports = reports.then(async () => {
        const a = await reportProgress(server, challenge.id, hint);
        if (a.kind !== 'ok') log.debug('progress report not recorded', { hint, ...(a.kind === 'refused' ? { code: a.code } : { detail: a.detail }) });
      });
    };
    const io = pageRunIo(hub, { challenge, rpName, signal: ended.signal, onHint: report });
    // The RP may cancel while the citizen reads or types: look until the card signs.
    const watching = (async () => {
      const every = opts.statusPollMs ?? 2000;
      while (!ended.signal.aborted && !io.signing) {
        await sleep(every, ended.signal);
        if (ended.signal.aborted || io.signing) return;
        const s = await challengeStatus(server, challenge.id, ended.signal).catch(() => undefined);
        if (s === undefined || s.status === 'pending' || io.signing) continue;
        ended.abort(s.status === 'expired' || s.code === 'challenge_expired' ? 'expired' : 'cancelled');
      }
    })();
    let outcome: TerminalOutcome;
    try {
      outcome = await authenticate({
        challenge,
        terminalId,
        card: () => waitForCard(readers, readerName, { signal: ended.signal }),
        display: io.display,
        pinPad: io.pinPad,
        server,
        log,
        ...(opts.maxPinAttempts === undefined ? {} : { maxPinAttempts: opts.maxPinAttempts }),
        ...(opts.retryDelaysMs === undefined ? {} : { retryDelaysMs: opts.retryDelaysMs }),
      });
    } finally {
      clearTimeout(expiry);
      stopping.signal.removeEventListener('abort', onStop);
    }
    const why = ended.signal.aborted ? (ended.signal.reason as string) : undefined;
    ended.abort('done');
    await watching;
    if (why === 'expired' && outcome.kind !== 'completed') return { kind: 'expired' };
    if ((why === 'cancelled' || why === 'stopped') && outcome.kind !== 'completed') return { kind: 'cancelled' };
    const hint = endedHere(outcome);
    if (hint !== undefined) {
      report(hint);
      await reports;
      const a = await abandonChallenge(server, challenge.id);
      if (a.kind !== 'ok') log.debug('abandoned challenge not cancelled', a.kind === 'refused' ? { code: a.code } : { detail: a.detail });
    }
    await reports;
    return outcomeView(outcome);
  }

  async function showOutcome(view: OutcomeView): Promise<void> {
    hub.set({ screen: 'outcome', outcome: view });
    // The citizen takes the card: back to idle sooner (a removal that ended the run stays readable).
    const taken = new AbortController();
    const off = view.kind === 'card-removed' ? () => true : readers.on('removed', (e) => e.reader === readerName && taken.abort());
    await sleep(opts.outcomeMs ?? 8000, AbortSignal.any([taken.signal, stopping.signal]));
    off();
  }

  const loop = (async () => {
    let after: string | undefined;
    let failures = 0;
    while (!stopping.signal.aborted) {
      if (hub.state.screen !== 'idle') idle();
      let next;
      try {
        next = await nextChallenge(server, terminalId, { waitSeconds: opts.waitSeconds ?? 25, after, signal: stopping.signal });
      } catch (e) {
        if (!isAppError(e)) throw e;
        // A challenge this terminal will not show: say so; it is not offered again once cancelled.
        const id = (e.detail as { challengeId?: unknown } | undefined)?.challengeId;
        log.warn('challenge refused by the terminal', { code: e.code });
        if (typeof id === 'string') {
          after = id;
          await reportProgress(server, id, 'terminal_refused');
          await abandonChallenge(server, id);
        }
        await showOutcome({ kind: 'request-refused' });
        continue;
      }
      if (stopping.signal.aborted) break;
      if (!next.ok) {
        service = next.kind === 'refused' ? 'refused' : 'connecting';
        log.warn('waiting for work failed', next.kind === 'refused' ? { code: next.code, status: next.status } : { detail: next.detail });
        idle();
        await sleep(Math.min(10_000, 1000 * 2 ** Math.min(failures++, 4)), stopping.signal);
        continue;
      }
      failures = 0;
      if (service !== 'ok') {
        service = 'ok';
        idle();
      }
      if (next.challenge === undefined) continue;
      after = next.challenge.id;
      const view = await runOne(next.challenge, next.rpName);
      if (stopping.signal.aborted) break;
      await showOutcome(view);
    }
  })();

  return {
    async stop() {
      stopping.abort();
      for (const off of unsubscribe) off();
      await loop.catch((e) => log.error('terminal screen loop failed', { error: e }));
    },
  };
}
