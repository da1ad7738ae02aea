// The one seam between the host and a card: the host talks to cards only
// through this interface, in APDUs, and never reaches into card state, so the
// same code drives a real card through pcscd and a simulated one in-process
// (docs/architecture.md, "The CardChannel").
//
// ISO/IEC 7816-4 §5: the host sends a command APDU and gets back a response
// APDU whose last two bytes are the status word. A CardChannel moves those
// bytes and nothing else: no chaining, no GET RESPONSE, no interpretation of
// the status word (that is the PIV client's job, src/card/piv/). Two
// implementations: PC/SC through pcscd (src/card/pcsc/) and in-process,
// straight to a firmware-sim card (src/card/in-process.ts).
//
// Transport faults are thrown as AppError with a code from ./codes.ts:
// card_removed, card_reset, no_card, reader_not_found, transmit_failed,
// card_channel_closed.

/** A connection to one card in one reader. */
export interface CardChannel {
  /** The reader this channel goes through ("in-process" for a direct card). */
  readonly readerName: string;
  /** Answer-to-reset of the card at connect (or at the last reset). */
  readonly atr: Uint8Array;
  /**
   * Send one command APDU, get the response APDU including SW1 SW2.
   * Calls are serialised: a second call waits for the first to finish.
   */
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
  /** Warm reset: the card loses its security state (PIN verified, management key). */
  reset(): Promise<void>;
  /**
   * Release the card. `disposition` says what happens to it: 'leave' (default:
   * the card stays powered and keeps its state, as OpenSC does), 'reset' (as
   * yubico-piv-tool does), 'unpower'.
   */
  close(options?: { disposition?: CardDisposition }): Promise<void>;
  /** False after close() or once the card was seen removed. */
  readonly isOpen: boolean;
}

export const cardDispositions = ['leave', 'reset', 'unpower'] as const;
export type CardDisposition = (typeof cardDispositions)[number];

/** What a reader holds right now. */
export interface ReaderInfo {
  readonly name: string;
  readonly cardPresent: boolean;
  /** ATR of the present card (undefined when empty). */
  readonly atr: Uint8Array | undefined;
}

export interface CardInsertedEvent {
  readonly reader: string;
  readonly atr: Uint8Array;
}
export interface CardRemovedEvent {
  readonly reader: string;
}
export interface ReaderChangeEvent {
  readonly reader: string;
}

/** Events of a reader set, by name. */
export interface CardReaderEvents {
  inserted: CardInsertedEvent;
  removed: CardRemovedEvent;
  'reader-added': ReaderChangeEvent;
  'reader-removed': ReaderChangeEvent;
}

export interface WaitForCardOptions {
  signal?: AbortSignal;
  /** Give up after this long with card_wait_timeout (default: wait until aborted). */
  timeoutMs?: number;
}

export interface ConnectOptions {
  /**
   * 'shared' (default) lets other PC/SC clients use the card between our
   * commands; 'exclusive' keeps them out for as long as the channel is open.
   */
  shareMode?: 'shared' | 'exclusive';
}

/** A set of card readers with insert/remove events (the terminal's and issuance office's view). */
export interface CardReaders {
  /** Readers known now, each with whether a card is present. */
  list(): Promise<ReaderInfo[]>;
  /**
   * Resolve when a card is present in `readerName` (at once if it already is).
   * Throws reader_not_found, card_wait_timeout, card_wait_aborted.
   */
  waitForCard(readerName: string, options?: WaitForCardOptions): Promise<ReaderInfo>;
  /** Subscribe to an event; returns the function that unsubscribes. */
  on<E extends keyof CardReaderEvents>(event: E, listener: (e: CardReaderEvents[E]) => void): () => void;
  /** Open a channel to the card in `readerName`. Throws reader_not_found, no_card, reader_busy. */
  connect(readerName: string, options?: ConnectOptions): Promise<CardChannel>;
  /** Stop watching readers and close every open channel (lets the process exit). */
  close(): Promise<void>;
}
