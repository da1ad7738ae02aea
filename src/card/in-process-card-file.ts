// A firmware-sim card file in an in-process reader (the in-process transport,
// so the embedded default needs no pcscd: `--sim-card`). The host still talks
// to the card only in APDUs through the CardReaders contract; this module is
// the one place that turns a card file into such a card.
//
// The file is the chip's NVM and firmware-sim writes every change atomically
// before the card answers the command that made it (temporary file, fsync,
// rename), so a wrong PIN is counted on disk exactly as behind vpcd. One
// process at a time may run a card file: the same `<card-file>.lock` that
// `firmware-sim run` takes is held from open to close, so the terminal never
// answers from a state that a simulator behind vpcd is changing.
import { stat } from 'node:fs/promises';
import { CardFileError, CardInUseError, VirtualCard, lockCardFile } from '../../firmware-sim/index.js';
import type { CardChannel, CardReaders } from './channel.js';
import { cardError, isCardError } from './codes.js';
import { InProcessReaders } from './in-process.js';

export interface OpenCardFileOptions {
  /**
   * Called when the card hits an internal fault (it answers 6F00 and keeps its
   * NVM unchanged). firmware-sim guarantees the error carries no PIN, PUK or key.
   */
  readonly onFault?: (error: unknown, ins: number | undefined) => void;
}

/**
 * Size bound before parsing: a card's whole NVM (every PIV object at its
 * largest, RSA keys, base64 in JSON) is well under this; /dev/zero is not.
 */
const MAX_CARD_FILE_BYTES = 4 * 1024 * 1024;

const UNREADABLE = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'ELOOP', 'ENAMETOOLONG', 'EROFS']);

function fsCode(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Open `cardFile` and insert its card into a reader named `readerName` of a
 * fresh in-process reader set. close() powers the card off, waits until every
 * command sent has been answered (and so persisted), then releases the lock.
 * Throws card_file_unreadable, card_file_invalid, card_file_in_use.
 */
export async function openCardFileReaders(cardFile: string, readerName: string, options: OpenCardFileOptions = {}): Promise<CardReaders> {
  let lock: { release(): Promise<void> };
  try {
    lock = await lockCardFile(cardFile);
  } catch (e) {
    if (e instanceof CardInUseError) throw cardError('card_file_in_use', `The card file ${cardFile} is in use by another process (a firmware-sim run?)`, { cause: e });
    const code = fsCode(e);
    // The lock lives beside the card file: no directory, or one we cannot
    // write, is also a card whose changes could not be persisted.
    if (code !== undefined) throw cardError('card_file_unreadable', `Cannot open the card file ${cardFile} (${code})`, { cause: e });
    throw e;
  }
  let card: VirtualCard;
  try {
    const st = await stat(cardFile);
    if (!st.isFile() || st.size > MAX_CARD_FILE_BYTES) {
      throw cardError('card_file_invalid', `${cardFile} is not a simulated card file (not a regular file of at most ${MAX_CARD_FILE_BYTES} bytes)`);
    }
    card = await VirtualCard.open(cardFile, options.onFault ? { onFault: options.onFault } : {});
  } catch (e) {
    await lock.release();
    if (isCardError(e)) throw e;
    const code = fsCode(e);
    if (code !== undefined && UNREADABLE.has(code)) throw cardError('card_file_unreadable', `Cannot read the card file ${cardFile} (${code})`, { cause: e });
    if (e instanceof CardFileError || code === undefined) {
      throw cardError('card_file_invalid', `${cardFile} is not a simulated card file (firmware-sim/card@1)`, { cause: e });
    }
    throw cardError('card_file_unreadable', `Cannot read the card file ${cardFile} (${code})`, { cause: e });
  }
  const readers = new InProcessReaders([readerName]);
  try {
    await readers.insert(readerName, card);
  } catch (e) {
    await readers.close().catch(() => undefined);
    await lock.release();
    throw e;
  }
  let closing: Promise<void> | undefined;
  return {
    list: () => readers.list(),
    waitForCard: (name, opts) => readers.waitForCard(name, opts),
    on: (event, listener) => readers.on(event, listener),
    connect: (name, opts) => readers.connect(name, opts),
    close() {
      closing ??= (async () => {
        try {
          await readers.close();
          await card.idle();
        } finally {
          await lock.release();
        }
      })();
      return closing;
    },
  };
}

/**
 * A channel to the card of `cardFile` (openCardFileReaders with one reader of
 * its own): closing the channel also closes the reader set, so the card's
 * last answers are on disk and the lock is released when close() resolves.
 */
export async function openCardFileChannel(cardFile: string, options: OpenCardFileOptions = {}): Promise<CardChannel> {
  const readerName = 'firmware-sim card file';
  const readers = await openCardFileReaders(cardFile, readerName, options);
  let channel: CardChannel;
  try {
    channel = await readers.connect(readerName);
  } catch (e) {
    await readers.close();
    throw e;
  }
  return {
    readerName,
    get atr() {
      return channel.atr;
    },
    get isOpen() {
      return channel.isOpen;
    },
    transmit: (apdu) => channel.transmit(apdu),
    reset: () => channel.reset(),
    async close(opts) {
      try {
        await channel.close(opts);
      } finally {
        await readers.close();
      }
    },
  };
}
