// A terminal with its citizen's page, assembled: the card reader (PC/SC, or a
// simulated card file in this process), the page's server on loopback, and
// the loop that takes work from the service (run-terminal-screen.ts).
// `cardauth terminal serve` and the sandbox both start terminals with this.
import type { CardReaders } from '../../card/channel.js';
import { openCardFileSlot, type CardFileSlot } from '../../card/in-process-card-slot.js';
import type { Logger } from '../../util/log.js';
import { silentLogger } from '../../util/log.js';
import type { ServerConfig } from '../server/http.js';
import { isLoopback, type ListenAddress } from './listen-address.js';
import { runTerminalScreen } from './run-terminal-screen.js';
import { ScreenHub, type Language } from './screen-hub.js';
import { startScreenServer } from './screen-server.js';

/** The reader a simulated card is put in. */
export const SIM_CARD_READER = 'cardauth simulated card';

export interface StartTerminalScreenOptions {
  readonly server: ServerConfig;
  readonly terminalId: string;
  readonly card: { readonly reader: string } | { readonly simCard: string };
  readonly listen: ListenAddress;
  readonly language?: Language;
  readonly outcomeMs?: number;
  readonly waitSeconds?: number;
  readonly statusPollMs?: number;
  readonly maxPinAttempts?: number;
  readonly log?: Logger;
  /** PC/SC readers (default: pcsclite through pcscd). */
  readonly openPcsc?: () => Promise<CardReaders>;
}

export interface TerminalScreen {
  /** The citizen's page. */
  readonly url: string;
  readonly hub: ScreenHub;
  /** With a simulated card: take it out and put it back. */
  readonly simCard: CardFileSlot | undefined;
  stop(): Promise<void>;
}

export async function startTerminalScreen(opts: StartTerminalScreenOptions): Promise<TerminalScreen> {
  // Also checked where the address is parsed; this is the second line.
  if (!isLoopback(opts.listen.host)) throw new Error(`the terminal screen is served on a loopback address only, not ${opts.listen.host}`);
  const log = opts.log ?? silentLogger;
  let readers: CardReaders;
  let readerName: string;
  let slot: CardFileSlot | undefined;
  if ('simCard' in opts.card) {
    slot = await openCardFileSlot(opts.card.simCard, SIM_CARD_READER, {
      watchFile: true,
      onFault: (_e, ins) => log.warn('the simulated card had an internal fault', { ins }),
    });
    readers = slot.readers;
    readerName = SIM_CARD_READER;
  } else {
    readers = await (opts.openPcsc ?? (async () => (await import('../../card/pcsc/index.js')).PcscReaders.open()))();
    readerName = opts.card.reader;
  }
  const hub = new ScreenHub(opts.terminalId, opts.language ?? 'km');
  const closers: Array<() => Promise<void>> = [() => readers.close()];
  try {
    if (slot !== undefined) {
      const s = slot;
      hub.setSimCard(s.present);
      const off = s.onChange((present) => hub.setSimCard(present));
      closers.push(async () => off());
    }
    const page = await startScreenServer({
      hub,
      host: opts.listen.host,
      port: opts.listen.port,
      ...(slot === undefined ? {} : { simCard: { remove: () => slot.remove(), insert: () => slot.insert() } }),
    });
    closers.push(() => page.close());
    const loop = runTerminalScreen({
      hub,
      server: opts.server,
      terminalId: opts.terminalId,
      readers,
      readerName,
      log,
      ...(opts.outcomeMs === undefined ? {} : { outcomeMs: opts.outcomeMs }),
      ...(opts.waitSeconds === undefined ? {} : { waitSeconds: opts.waitSeconds }),
      ...(opts.statusPollMs === undefined ? {} : { statusPollMs: opts.statusPollMs }),
      ...(opts.maxPinAttempts === undefined ? {} : { maxPinAttempts: opts.maxPinAttempts }),
    });
    closers.push(() => loop.stop());
    let stopped: Promise<void> | undefined;
    return {
      url: page.url,
      hub,
      simCard: slot,
      stop() {
        stopped ??= (async () => {
          for (const c of closers.reverse()) await c().catch((e) => log.warn('terminal screen: close failed', { error: e }));
        })();
        return stopped;
      },
    };
  } catch (e) {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    throw e;
  }
}
