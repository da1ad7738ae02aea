// What the terminal commands share: the reader name of a simulated card, and
// how a command reaches readers and the server (tests pass in-process readers
// and a fetch).
import type { CardReaders } from '../../card/channel.js';

export const SIM_CARD_READER = 'cardauth simulated card';

/** How the command reaches card readers and the server; tests pass in-process readers and a fetch. */
export interface TerminalCommandDeps {
  readonly openReaders: () => Promise<CardReaders>;
  readonly fetch?: typeof fetch;
}
