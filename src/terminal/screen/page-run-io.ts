// The citizen's page as the display and the PIN pad of one terminal run
// (authenticate.ts's ports): each step of the run becomes a screen of the
// page, and the PIN comes from the page's pad (screen-hub.ts). `onHint` is
// told what the RP back end may learn of the run (progress-hints.ts codes).
import type { ReportableHint } from '../server/report-progress.js';
import type { IssuedChallenge as TerminalChallenge } from '../../auth/wire.js';
import type { PinPad } from '../../pin-pad/types.js';
import type { TerminalDisplay } from '../types.js';
import type { ScreenHub } from './screen-hub.js';
import { requestView, type PinNotice, type RequestView } from './screen-state.js';

export interface PageRunIo {
  readonly display: TerminalDisplay;
  readonly pinPad: PinPad;
  /** Set once the card has been asked to sign: from then on the run is the service's to finish. */
  readonly signing: boolean;
}

export function pageRunIo(
  hub: ScreenHub,
  run: { readonly challenge: TerminalChallenge; readonly rpName: string; readonly signal: AbortSignal; readonly onHint: (hint: ReportableHint) => void },
): PageRunIo {
  let request: RequestView | undefined;
  let notice: PinNotice | null = null;
  let asked = 0;
  let signing = false;
  // authenticate() checked the challenge is displayable before the first status.
  const view = (): RequestView => (request ??= requestView(run.challenge, run.rpName));

  const display: TerminalDisplay = {
    status(_text, step) {
      switch (step) {
        case 'insert-card':
          hub.set({ screen: 'insert-card', request: view() });
          run.onHint('waiting_for_card');
          break;
        case 'reading-card':
          hub.set({ screen: 'reading', request: view() });
          run.onHint('card_inserted');
          break;
        case 'pin-format-invalid':
          notice = { kind: 'pin-format' };
          break;
        case 'wrong-pin':
          // The tries left come with the next PIN request.
          notice = { kind: 'wrong-pin', triesLeft: -1 };
          run.onHint('pin_wrong');
          break;
        case 'signing':
          signing = true;
          hub.set({ screen: 'working', step: 'signing' });
          run.onHint('signing');
          break;
        case 'sending':
        case 'retrying':
          hub.set({ screen: 'working', step });
          break;
        case undefined:
          break;
      }
    },
    showTransaction() {
      // Shown with the PIN pad (the request view is built from the same checked fields).
    },
    showOutcome() {
      // The terminal loop shows the outcome: it also knows whether the RP ended the run.
    },
  };

  const pinPad: PinPad = {
    readPin({ triesLeft, signal }) {
      const shown: PinNotice | null = notice?.kind === 'wrong-pin' ? { kind: 'wrong-pin', triesLeft: triesLeft ?? 0 } : notice;
      notice = null;
      hub.set({ screen: 'pin', request: view(), triesLeft: triesLeft ?? null, notice: shown });
      if (asked++ === 0) run.onHint('pin_entry');
      const both = signal === undefined ? run.signal : AbortSignal.any([signal, run.signal]);
      return hub.waitForPin(both);
    },
  };

  return {
    display,
    pinPad,
    get signing() {
      return signing;
    },
  };
}
