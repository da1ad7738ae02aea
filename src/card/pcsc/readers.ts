// CardReaders over PC/SC: the reader list and card insert/remove events from
// pcscd (PC/SC Part 5 SCardListReaders / SCardGetStatusChange, as the npm
// `pcsclite` binding runs them on its own threads), and connect().
//
// State flags (pcsclite.h): SCARD_STATE_PRESENT 0x20 means a card is in the
// reader, SCARD_STATE_EMPTY 0x10 none, SCARD_STATE_MUTE 0x200 a card that
// does not answer (no usable ATR: treated as absent). The upper 16 bits of
// the event state count insertions and removals: if it moves while a card is
// present both times, the card was swapped between two looks, and channels to
// the old card must fail.
//
// When pcscd stops, the binding's watcher threads end with an error; the set
// reports every card removed, then tries to re-establish a context every
// `retryIntervalMs` until pcscd is back or close() is called.
import type { Logger } from '../../util/log.js';
import { silentLogger } from '../../util/log.js';
import { cardError } from '../codes.js';
import type { CardChannel, CardReaderEvents, CardReaders, ConnectOptions, ReaderInfo, WaitForCardOptions } from '../channel.js';
import { TypedEmitter } from '../lib/emitter.js';
import { waitFor } from '../lib/wait.js';
import { PcscChannel, connectNative } from './channel.js';
import { fromPcscError } from './errors.js';
import { createNativeContext, type NativeContext, type NativeReader, type NativeStatus } from './native.js';
import { closeWhenQuiet, touch } from './quiet-close.js';

export interface PcscReadersOptions {
  logger?: Logger;
  /** How long open() waits for pcscd's first reader list (default 5000 ms). */
  startTimeoutMs?: number;
  /** See PcscChannelOptions.removalGraceMs (default 1500 ms). */
  removalGraceMs?: number;
  /** Pause between attempts to reach pcscd again after it stopped (default 1000 ms). */
  retryIntervalMs?: number;
}

interface Entry {
  readonly name: string;
  readonly native: NativeReader;
  present: boolean;
  atr: Uint8Array | undefined;
  eventCount: number;
  generation: number;
  initialised: boolean;
  /** Announce the card present at the first status (readers that appear later). */
  readonly announce: boolean;
  readonly ready: Promise<void>;
  markReady(): void;
  channel: PcscChannel | undefined;
  connecting: boolean;
}

export class PcscReaders implements CardReaders {
  readonly #entries = new Map<string, Entry>();
  readonly #events = new TypedEmitter<CardReaderEvents>();
  readonly #log: Logger;
  readonly #removalGraceMs: number;
  readonly #retryIntervalMs: number;
  #context: NativeContext | undefined;
  #listed = false;
  /** After the first reader list: later readers and cards are announced as events. */
  #announce = false;
  #listedWaiters: Array<() => void> = [];
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(options: PcscReadersOptions) {
    this.#log = options.logger ?? silentLogger;
    this.#removalGraceMs = options.removalGraceMs ?? 1500;
    this.#retryIntervalMs = options.retryIntervalMs ?? 1000;
  }

  /**
   * Connect to pcscd and learn its readers. Throws pcsc_unavailable (with how
   * to start pcscd) when it is not running or does not answer in time.
   */
  static async open(options: PcscReadersOptions = {}): Promise<PcscReaders> {
    const readers = new PcscReaders(options);
    readers.#attach(createContextOrThrow());
    try {
      await waitFor<void>(
        (deliver) => {
          if (readers.#listed) {
            deliver();
            return () => {};
          }
          readers.#listedWaiters.push(deliver);
          return () => {
            readers.#listedWaiters = readers.#listedWaiters.filter((w) => w !== deliver);
          };
        },
        { timeoutMs: options.startTimeoutMs ?? 5000, what: 'the PC/SC reader list' },
      );
    } catch (e) {
      await readers.close();
      throw cardError('pcsc_unavailable', 'pcscd did not list its readers in time; is it running and healthy?', { cause: e });
    }
    await Promise.all([...readers.#entries.values()].map((e) => e.ready));
    return readers;
  }

  async list(): Promise<ReaderInfo[]> {
    this.#ensureOpen();
    await Promise.all([...this.#entries.values()].map((e) => e.ready));
    return [...this.#entries.values()].map(info);
  }

  async waitForCard(readerName: string, options: WaitForCardOptions = {}): Promise<ReaderInfo> {
    this.#ensureOpen();
    const entry = this.#entry(readerName);
    await entry.ready;
    return waitFor<ReaderInfo>(
      (deliver) => {
        const current = this.#entries.get(readerName);
        if (current?.present) {
          deliver(info(current));
          return () => {};
        }
        return this.#events.on('inserted', (e) => {
          const now = this.#entries.get(readerName);
          if (e.reader === readerName && now !== undefined) deliver(info(now));
        });
      },
      { signal: options.signal, timeoutMs: options.timeoutMs, what: `a card in "${readerName}"` },
    );
  }

  on<E extends keyof CardReaderEvents>(event: E, listener: (e: CardReaderEvents[E]) => void): () => void {
    return this.#events.on(event, listener);
  }

  async connect(readerName: string, options: ConnectOptions = {}): Promise<CardChannel> {
    this.#ensureOpen();
    const entry = this.#entry(readerName);
    await entry.ready;
    // The binding keeps one card handle per reader object: one channel at a time, and
    // no second SCardConnect while one is under way (it would overwrite the handle).
    if (entry.channel?.isOpen || entry.connecting) {
      throw cardError('reader_busy', `Reader "${readerName}" already has an open channel in this process`);
    }
    const shareMode = options.shareMode ?? 'shared';
    entry.connecting = true;
    let protocol: number;
    try {
      protocol = await connectNative(entry.native, shareMode);
    } finally {
      entry.connecting = false;
    }
    const atr = entry.atr ?? new Uint8Array(0);
    const channel = new PcscChannel(
      entry.native,
      protocol,
      atr,
      {
        generation: () => (this.#entries.get(readerName) === entry ? entry.generation : -1),
        atr: () => entry.atr,
        waitForRemoval: (ms) => this.#waitForRemoval(entry, ms),
        released: () => {
          if (entry.channel === channel) entry.channel = undefined;
        },
      },
      { shareMode, removalGraceMs: this.#removalGraceMs },
    );
    entry.channel = channel;
    return channel;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    const channels = [...this.#entries.values()].flatMap((e) => (e.channel === undefined ? [] : [e.channel]));
    await Promise.all(channels.map((c) => c.close().catch(() => undefined)));
    await this.#detach();
    this.#events.clear();
  }

  // ---- internals -------------------------------------------------------

  #attach(context: NativeContext): void {
    this.#context = context;
    this.#listed = false;
    touch(context);
    // The binding lists readers on a thread and emits 'reader' only for new
    // ones; it says nothing when the first list is done (or empty). Wrap the
    // native start() it calls on the next tick to learn that moment.
    const nativeStart = context.start;
    context.start = (cb) =>
      nativeStart.call(context, (err, data) => {
        touch(context);
        cb(err, data);
        if (!err && this.#context === context) this.#onListed();
      });
    context.on('error', (err) => this.#onContextError(context, err));
    context.on('reader', (reader) => this.#onReader(reader));
  }

  #onListed(): void {
    if (this.#listed) return;
    this.#listed = true;
    // From now on (including after a pcscd restart) new readers and cards are news.
    this.#announce = true;
    const waiters = this.#listedWaiters;
    this.#listedWaiters = [];
    for (const w of waiters) w();
  }

  #onReader(native: NativeReader): void {
    touch(native);
    if (this.#closed) {
      void closeWhenQuiet(native);
      return;
    }
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    const entry: Entry = {
      name: native.name,
      native,
      present: false,
      atr: undefined,
      eventCount: 0,
      generation: 0,
      initialised: false,
      announce: this.#announce,
      ready,
      markReady,
      channel: undefined,
      connecting: false,
    };
    this.#entries.set(native.name, entry);
    native.on('status', (status) => {
      touch(native);
      this.#onStatus(entry, status);
    });
    native.on('error', (err) => {
      touch(native);
      this.#log.warn('card reader watcher failed', { reader: entry.name, error: err });
      entry.markReady();
    });
    native.on('end', () => this.#onReaderEnd(entry));
    if (entry.announce) this.#events.emit('reader-added', { reader: entry.name });
  }

  #onStatus(entry: Entry, status: NativeStatus): void {
    const state = status.state >>> 0;
    const present = (state & entry.native.SCARD_STATE_PRESENT) !== 0 && (state & entry.native.SCARD_STATE_MUTE) === 0;
    const eventCount = state >>> 16;
    const atr = present && status.atr !== undefined && status.atr.length > 0 ? Uint8Array.from(status.atr) : undefined;
    const was = entry.present;
    const swapped = was && present && entry.initialised && eventCount !== entry.eventCount;
    entry.eventCount = eventCount;
    entry.present = present;
    entry.atr = present ? atr : undefined;
    if (!entry.initialised) {
      entry.initialised = true;
      entry.markReady();
      if (present && entry.announce) {
        entry.generation += 1;
        this.#events.emit('inserted', { reader: entry.name, atr: atr ?? new Uint8Array(0) });
      }
      return;
    }
    if (was && (!present || swapped)) {
      entry.generation += 1;
      entry.channel?.markRemoved();
      this.#events.emit('removed', { reader: entry.name });
    }
    if (present && (!was || swapped)) {
      entry.generation += 1;
      this.#events.emit('inserted', { reader: entry.name, atr: atr ?? new Uint8Array(0) });
    }
  }

  #onReaderEnd(entry: Entry): void {
    if (this.#entries.get(entry.name) !== entry) return;
    this.#entries.delete(entry.name);
    entry.markReady();
    entry.generation += 1;
    entry.channel?.markRemoved();
    if (entry.present) this.#events.emit('removed', { reader: entry.name });
    this.#events.emit('reader-removed', { reader: entry.name });
  }

  #onContextError(context: NativeContext, err: unknown): void {
    if (this.#context !== context || this.#closed) return;
    this.#log.warn('lost the PC/SC service; will reconnect', { error: err });
    void this.#detach();
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#closed) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#closed) return;
      let context: NativeContext;
      try {
        context = createNativeContext();
      } catch {
        this.#scheduleRetry();
        return;
      }
      this.#log.info('PC/SC service is back');
      this.#attach(context);
    }, this.#retryIntervalMs);
  }

  /**
   * Drop the context and every reader, announcing cards and readers gone; the
   * binding objects are closed once quiet (see quiet-close.ts), which the
   * returned promise waits for.
   */
  #detach(): Promise<void> {
    const context = this.#context;
    this.#context = undefined;
    const closing: Array<Promise<void>> = [];
    for (const entry of [...this.#entries.values()]) {
      this.#entries.delete(entry.name);
      const native = entry.native;
      native.removeAllListeners('status');
      native.removeAllListeners('end');
      native.removeAllListeners('error');
      native.on('status', () => touch(native));
      native.on('error', () => touch(native));
      closing.push(closeWhenQuiet(native));
      entry.generation += 1;
      entry.markReady();
      entry.channel?.markRemoved();
      if (!this.#closed) {
        if (entry.present) this.#events.emit('removed', { reader: entry.name });
        this.#events.emit('reader-removed', { reader: entry.name });
      }
    }
    if (context !== undefined) {
      context.removeAllListeners('reader');
      context.on('reader', (native) => {
        // A reader the binding still announces after we let go of it.
        touch(native);
        void closeWhenQuiet(native);
      });
      closing.push(closeWhenQuiet(context));
    }
    return Promise.all(closing).then(() => undefined);
  }

  #waitForRemoval(entry: Entry, ms: number): Promise<boolean> {
    if (this.#entries.get(entry.name) !== entry || !entry.present) return Promise.resolve(true);
    return waitFor<boolean>(
      (deliver) => {
        const offRemoved = this.#events.on('removed', (e) => {
          if (e.reader === entry.name) deliver(true);
        });
        const offGone = this.#events.on('reader-removed', (e) => {
          if (e.reader === entry.name) deliver(true);
        });
        return () => {
          offRemoved();
          offGone();
        };
      },
      { timeoutMs: ms, what: 'card removal' },
    ).catch(() => false);
  }

  #entry(readerName: string): Entry {
    const entry = this.#entries.get(readerName);
    if (entry === undefined) {
      const known = [...this.#entries.keys()].map((n) => `"${n}"`).join(', ') || 'none';
      throw cardError('reader_not_found', `No reader named "${readerName}" (readers: ${known})`);
    }
    return entry;
  }

  #ensureOpen(): void {
    if (this.#closed) throw cardError('card_channel_closed', 'The PC/SC reader set is closed');
  }
}

function info(entry: Entry): ReaderInfo {
  return { name: entry.name, cardPresent: entry.present, atr: entry.atr === undefined ? undefined : Uint8Array.from(entry.atr) };
}

function createContextOrThrow(): NativeContext {
  try {
    return createNativeContext();
  } catch (e) {
    throw fromPcscError(e, 'pcsc_unavailable', 'Connecting to pcscd');
  }
}
