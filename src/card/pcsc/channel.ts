// CardChannel over PC/SC (PC/SC Part 5: SCardConnect / SCardTransmit /
// SCardDisconnect, through npm `pcsclite`).
//
// NOTE: the binding has no SCardReconnect, so "reconnect" is disconnect plus
// connect on the same reader object. It is used for reset() and after another
// application reset the card (SCARD_W_RESET_CARD), which pcsc-lite reports on
// every later call on our handle until it is re-established.
import { AppError } from '../../errors/app-error.js';
import { cardError, isCardError } from '../codes.js';
import type { CardChannel, CardDisposition } from '../channel.js';
import { SerialQueue } from '../lib/serial-queue.js';
import { fromPcscError } from './errors.js';
import { pcscCodes, pcscReturnCode, type NativeReader } from './native.js';

/** Short R-APDU: up to 256 data bytes plus SW1 SW2 (ISO 7816-4 §5.1). */
export const SHORT_RESPONSE_BUFFER = 258;
/** Extended R-APDU: up to 65536 data bytes plus SW1 SW2. */
export const EXTENDED_RESPONSE_BUFFER = 65538;

/** What the channel asks of the reader set that opened it. */
export interface PcscReaderWatch {
  /** Insertion counter of the reader: changes when the card goes or another comes. */
  generation(): number;
  /** ATR the reader reports for its card now. */
  atr(): Uint8Array | undefined;
  /** Resolve true if the reader reports the card gone within `ms`. */
  waitForRemoval(ms: number): Promise<boolean>;
  /** The channel has released the reader. */
  released(): void;
}

export interface PcscChannelOptions {
  shareMode: 'shared' | 'exclusive';
  /**
   * After an ambiguous transmit failure, how long to wait for pcscd to report
   * the card gone before calling it transmit_failed (pcscd polls vpcd-like
   * readers every 400 ms).
   */
  removalGraceMs: number;
}

/** Whether a C-APDU uses the extended length form (ISO 7816-4 §5.1: byte 5 is 00 and more follows). */
function isExtendedApdu(apdu: Uint8Array): boolean {
  return apdu.length >= 7 && apdu[4] === 0x00;
}

function nativeCall<T>(fn: (cb: (err: unknown, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    fn((err, value) => (err ? reject(err) : resolve(value)));
  });
}

export async function connectNative(reader: NativeReader, shareMode: 'shared' | 'exclusive'): Promise<number> {
  // A handle left behind (disconnect failed after a removal) would make the
  // binding skip SCardConnect and hand us the stale handle: release it first.
  if (reader.connected) {
    await nativeCall<void>((cb) => reader.disconnect(reader.SCARD_LEAVE_CARD, cb)).catch(() => undefined);
  }
  try {
    return await nativeCall<number>((cb) =>
      reader.connect(
        {
          share_mode: shareMode === 'exclusive' ? reader.SCARD_SHARE_EXCLUSIVE : reader.SCARD_SHARE_SHARED,
          protocol: reader.SCARD_PROTOCOL_T0 | reader.SCARD_PROTOCOL_T1,
        },
        cb,
      ),
    );
  } catch (e) {
    throw fromPcscError(e, 'transmit_failed', `Connecting to "${reader.name}"`);
  }
}

export class PcscChannel implements CardChannel {
  readonly #queue = new SerialQueue();
  readonly #generation: number;
  #open = true;
  #removed = false;
  #atr: Uint8Array;

  constructor(
    private readonly reader: NativeReader,
    private protocol: number,
    atr: Uint8Array,
    private readonly watch: PcscReaderWatch,
    private readonly options: PcscChannelOptions,
  ) {
    this.#atr = atr;
    this.#generation = watch.generation();
  }

  get readerName(): string {
    return this.reader.name;
  }

  get atr(): Uint8Array {
    return this.#atr;
  }

  get isOpen(): boolean {
    return this.#open && !this.#removed;
  }

  transmit(apdu: Uint8Array): Promise<Uint8Array> {
    return this.#queue.run(async () => {
      this.#ensureUsable();
      const resLen = isExtendedApdu(apdu) ? EXTENDED_RESPONSE_BUFFER : SHORT_RESPONSE_BUFFER;
      let response: Buffer;
      // Our copy for the binding may hold a PIN or a key: wipe it once sent.
      const copy = Buffer.from(apdu);
      try {
        response = await nativeCall<Buffer>((cb) => this.reader.transmit(copy, resLen, this.protocol, cb));
      } catch (e) {
        throw await this.#classifyTransmitError(e);
      } finally {
        copy.fill(0);
      }
      if (response.length < 2) {
        // vpcd answers an empty response when the card process dies mid-command:
        // as ambiguous as a failed transmit, so ask the reader whether the card is gone.
        throw await this.#classifyTransmitError(new Error(`"${this.readerName}" returned a response without status word`));
      }
      return new Uint8Array(response.buffer, response.byteOffset, response.length);
    });
  }

  reset(): Promise<void> {
    return this.#queue.run(async () => {
      this.#ensureUsable();
      await this.#reconnect(this.reader.SCARD_RESET_CARD);
    });
  }

  close(options?: { disposition?: CardDisposition }): Promise<void> {
    return this.#queue.run(async () => {
      if (!this.#open) return;
      this.#open = false;
      const disposition = options?.disposition ?? 'leave';
      const native =
        disposition === 'reset'
          ? this.reader.SCARD_RESET_CARD
          : disposition === 'unpower'
            ? this.reader.SCARD_UNPOWER_CARD
            : this.reader.SCARD_LEAVE_CARD;
      try {
        await nativeCall<void>((cb) => this.reader.disconnect(this.#removed ? this.reader.SCARD_LEAVE_CARD : native, cb));
      } catch {
        // The card is gone or pcscd restarted: the handle is dead either way.
      } finally {
        this.watch.released();
      }
    });
  }

  /** Called by the reader set when pcscd reports the card gone. */
  markRemoved(): void {
    if (this.#removed || !this.#open) return;
    this.#removed = true;
    // Release the dead handle so the next connect() on this reader is a real one.
    void this.close();
  }

  #ensureUsable(): void {
    // A channel the card left is closed too, but "removed" is the news for the caller.
    if (this.#removed) throw cardError('card_removed', `The card was removed from "${this.readerName}"`);
    if (!this.#open) throw cardError('card_channel_closed', 'The card channel is closed');
    if (this.watch.generation() !== this.#generation) {
      this.markRemoved();
      throw cardError('card_removed', `The card was removed from "${this.readerName}"`);
    }
  }

  async #classifyTransmitError(e: unknown): Promise<AppError> {
    const rc = pcscReturnCode(e);
    if (rc === pcscCodes.SCARD_W_REMOVED_CARD || rc === pcscCodes.SCARD_E_NO_SMARTCARD) {
      this.markRemoved();
      return fromPcscError(e, 'card_removed', `Transmitting to "${this.readerName}"`);
    }
    if (rc === pcscCodes.SCARD_W_RESET_CARD) {
      // Someone else reset the card: the command did not run and our security
      // state is gone. Re-establish the handle so the caller can start over.
      try {
        await this.#reconnect(this.reader.SCARD_LEAVE_CARD);
      } catch (re) {
        if (isCardError(re)) return re;
        return fromPcscError(re, 'transmit_failed', `Reconnecting to "${this.readerName}"`);
      }
      return fromPcscError(e, 'card_reset', `Transmitting to "${this.readerName}"`);
    }
    // Ambiguous (e.g. the card process vanished mid-command: pcscd says "not
    // transacted"). If the reader reports the card gone shortly, say so.
    const gone = this.watch.generation() !== this.#generation || (await this.watch.waitForRemoval(this.options.removalGraceMs));
    if (gone) {
      this.markRemoved();
      return fromPcscError(e, 'card_removed', `Transmitting to "${this.readerName}"`);
    }
    return fromPcscError(e, 'transmit_failed', `Transmitting to "${this.readerName}"`);
  }

  async #reconnect(disposition: number): Promise<void> {
    try {
      await nativeCall<void>((cb) => this.reader.disconnect(disposition, cb));
    } catch (e) {
      const err = fromPcscError(e, 'transmit_failed', `Disconnecting from "${this.readerName}"`);
      if (err.code === 'card_removed' || err.code === 'no_card') this.markRemoved();
      throw err;
    }
    try {
      this.protocol = await connectNative(this.reader, this.options.shareMode);
    } catch (e) {
      if (isCardError(e, 'no_card') || isCardError(e, 'card_removed')) {
        this.#removed = true;
        this.#open = false;
        this.watch.released();
        throw cardError('card_removed', `The card was removed from "${this.readerName}"`, { cause: e });
      }
      this.#open = false;
      this.watch.released();
      throw e;
    }
    this.#atr = this.watch.atr() ?? this.#atr;
  }
}
