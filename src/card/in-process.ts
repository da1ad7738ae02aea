// CardChannel straight to a firmware-sim card in this process, for the
// embedded default (no pcscd needed) and fast tests (~0.6 ms a full sign
// against ~146 ms through pcscd + vpcd). Same contract as the PC/SC channel:
// bytes in, bytes out, the same typed transport errors; no reaching into card
// state.
//
// Two ways in:
// - openInProcessChannel(card): this channel owns the card's power. It powers
//   the card on at connect and off at close (a power-off clears the card's
//   security state, as pulling a card out of a reader does).
// - InProcessReaders: named slots that cards are inserted into and removed
//   from, with the same events and dispositions as PC/SC readers. The slot
//   owns the power, as pcscd does: close({disposition:'leave'}) keeps the card
//   powered and its PIN state alive for the next channel, like two OpenSC
//   processes in a row.
import { cardError, isCardError } from './codes.js';
import type {
  CardChannel,
  CardDisposition,
  CardReaderEvents,
  CardReaders,
  ConnectOptions,
  ReaderInfo,
  WaitForCardOptions,
} from './channel.js';
import { TypedEmitter } from './lib/emitter.js';
import { SerialQueue } from './lib/serial-queue.js';
import { waitFor } from './lib/wait.js';

/**
 * What the host needs from a card object (firmware-sim's VirtualCard has this
 * shape). Declared here, structurally, so src/card depends on the card only
 * through the transmit-style interface.
 */
export interface DirectCard {
  atr(): Uint8Array;
  powerOn(): unknown;
  powerOff(): unknown;
  reset(): unknown;
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
}

const IN_PROCESS = 'in-process';

/** Is this card (and this insertion of it) still where the channel found it? */
interface Presence {
  check(): void;
}

class InProcessChannel implements CardChannel {
  readonly #queue = new SerialQueue();
  #open = true;
  #removed = false;
  #atr: Uint8Array;

  constructor(
    readonly readerName: string,
    private readonly card: DirectCard,
    atr: Uint8Array,
    private readonly presence: Presence,
    private readonly onClose: (disposition: CardDisposition) => Promise<void>,
  ) {
    this.#atr = atr;
  }

  get atr(): Uint8Array {
    return this.#atr;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  transmit(apdu: Uint8Array): Promise<Uint8Array> {
    return this.#queue.run(async () => {
      this.#ensureOpen();
      // The card gets its own copy: the caller zeroes buffers holding PINs
      // after the exchange, and the card must not see its input change.
      const copy = Uint8Array.from(apdu);
      let response: Uint8Array;
      try {
        response = await this.card.transmit(copy);
      } catch (cause) {
        this.#checkPresence();
        throw cardError('transmit_failed', 'The in-process card failed to process the command', { cause });
      }
      // Removed while the command was in flight: the answer is not to be trusted.
      this.#checkPresence();
      if (!(response instanceof Uint8Array) || response.length < 2) {
        throw cardError('transmit_failed', 'The in-process card returned no status word');
      }
      return Uint8Array.from(response);
    });
  }

  reset(): Promise<void> {
    return this.#queue.run(async () => {
      this.#ensureOpen();
      await this.card.reset();
      this.#atr = Uint8Array.from(this.card.atr());
    });
  }

  close(options?: { disposition?: CardDisposition }): Promise<void> {
    return this.#queue.run(async () => {
      if (!this.#open) return;
      this.#open = false;
      await this.onClose(options?.disposition ?? 'leave');
    });
  }

  #ensureOpen(): void {
    if (this.#removed) throw cardError('card_removed', `The card was removed from "${this.readerName}"`);
    if (!this.#open) throw cardError('card_channel_closed', 'The card channel is closed');
    this.#checkPresence();
  }

  #checkPresence(): void {
    try {
      this.presence.check();
    } catch (e) {
      if (isCardError(e, 'card_removed')) {
        this.#open = false;
        this.#removed = true;
      }
      throw e;
    }
  }
}

/**
 * Power the card on and open a channel that owns it: close() powers it off
 * whatever the disposition ('reset' resets first, which changes nothing more).
 */
export async function openInProcessChannel(card: DirectCard, options: { readerName?: string } = {}): Promise<CardChannel> {
  await card.powerOn();
  const atr = Uint8Array.from(card.atr());
  return new InProcessChannel(options.readerName ?? IN_PROCESS, card, atr, { check() {} }, async (disposition) => {
    if (disposition === 'reset') await card.reset();
    await card.powerOff();
  });
}

interface Slot {
  card: DirectCard | undefined;
  /** Bumped at every insert and remove: a channel belongs to one insertion. */
  generation: number;
  powered: boolean;
  channel: InProcessChannel | undefined;
}

/**
 * In-process card readers: the same CardReaders contract as PC/SC, for the
 * embedded default (a terminal or issuance desk without pcscd) and for tests
 * that insert and remove cards.
 */
export class InProcessReaders implements CardReaders {
  readonly #slots = new Map<string, Slot>();
  readonly #events = new TypedEmitter<CardReaderEvents>();
  #closed = false;

  constructor(readerNames: readonly string[] = ['In-process reader 0']) {
    for (const name of readerNames) this.addReader(name);
  }

  addReader(name: string): void {
    if (this.#slots.has(name)) return;
    this.#slots.set(name, { card: undefined, generation: 0, powered: false, channel: undefined });
    this.#events.emit('reader-added', { reader: name });
  }

  /** Put a card in a reader (the reader powers it on, as pcscd does). */
  async insert(readerName: string, card: DirectCard): Promise<void> {
    const slot = this.#slot(readerName);
    if (slot.card !== undefined) throw cardError('card_argument_invalid', `Reader "${readerName}" already holds a card`);
    await card.powerOn();
    slot.card = card;
    slot.powered = true;
    slot.generation += 1;
    this.#events.emit('inserted', { reader: readerName, atr: Uint8Array.from(card.atr()) });
  }

  /** Take the card out: it loses power; open channels fail with card_removed. */
  async remove(readerName: string): Promise<DirectCard | undefined> {
    const slot = this.#slot(readerName);
    const card = slot.card;
    if (card === undefined) return undefined;
    slot.card = undefined;
    slot.generation += 1;
    slot.channel = undefined;
    if (slot.powered) await card.powerOff();
    slot.powered = false;
    this.#events.emit('removed', { reader: readerName });
    return card;
  }

  async list(): Promise<ReaderInfo[]> {
    this.#ensureOpen();
    return [...this.#slots.entries()].map(([name, slot]) => this.#info(name, slot));
  }

  async waitForCard(readerName: string, options: WaitForCardOptions = {}): Promise<ReaderInfo> {
    this.#ensureOpen();
    const slot = this.#slot(readerName);
    return waitFor<ReaderInfo>(
      (deliver) => {
        if (slot.card !== undefined) {
          deliver(this.#info(readerName, slot));
          return () => {};
        }
        return this.#events.on('inserted', (e) => {
          if (e.reader === readerName) deliver(this.#info(readerName, slot));
        });
      },
      { signal: options.signal, timeoutMs: options.timeoutMs, what: `a card in "${readerName}"` },
    );
  }

  on<E extends keyof CardReaderEvents>(event: E, listener: (e: CardReaderEvents[E]) => void): () => void {
    return this.#events.on(event, listener);
  }

  async connect(readerName: string, _options?: ConnectOptions): Promise<CardChannel> {
    this.#ensureOpen();
    const slot = this.#slot(readerName);
    const card = slot.card;
    if (card === undefined) throw cardError('no_card', `No card in reader "${readerName}"`);
    if (slot.channel?.isOpen) throw cardError('reader_busy', `Reader "${readerName}" already has an open channel`);
    if (!slot.powered) {
      await card.powerOn();
      slot.powered = true;
    }
    // Another connect may have won while the card powered up.
    if (slot.channel?.isOpen) throw cardError('reader_busy', `Reader "${readerName}" already has an open channel`);
    if (slot.card !== card) throw cardError('no_card', `No card in reader "${readerName}"`);
    const generation = slot.generation;
    const presence: Presence = {
      check: () => {
        if (slot.generation !== generation) throw cardError('card_removed', `The card was removed from "${readerName}"`);
      },
    };
    const channel = new InProcessChannel(readerName, card, Uint8Array.from(card.atr()), presence, async (disposition) => {
      if (slot.generation !== generation) return;
      slot.channel = undefined;
      if (disposition === 'reset') await card.reset();
      if (disposition === 'unpower') {
        await card.powerOff();
        slot.powered = false;
      }
    });
    slot.channel = channel;
    return channel;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const [, slot] of this.#slots) {
      if (slot.channel?.isOpen) await slot.channel.close();
      if (slot.card !== undefined && slot.powered) await slot.card.powerOff();
      slot.powered = false;
    }
    this.#events.clear();
  }

  #slot(readerName: string): Slot {
    const slot = this.#slots.get(readerName);
    if (slot === undefined) throw cardError('reader_not_found', `No reader named "${readerName}"`);
    return slot;
  }

  #info(name: string, slot: Slot): ReaderInfo {
    return { name, cardPresent: slot.card !== undefined, atr: slot.card === undefined ? undefined : Uint8Array.from(slot.card.atr()) };
  }

  #ensureOpen(): void {
    if (this.#closed) throw cardError('card_channel_closed', 'The in-process readers are closed');
  }
}
