// A reader whose card can be taken out and put back, with a firmware-sim card
// file as the card (the terminal's --sim-card, the sandbox): the same
// in-process reader and the same card file rules as in-process-card-file.ts
// (the file is the chip's NVM, written before each answer; the simulator's
// `<card-file>.lock` is held for as long as the slot is open), plus what a
// citizen does at a real reader:
//   remove()  the card leaves the reader (power off; open channels fail
//             card_removed, `removed` is emitted), as pulling a card out;
//   insert()  the card file is read again and the card goes in.
// With `watchFile`, the file itself is the card in the slot: renaming or
// deleting it takes the card out, putting a card file back at that path
// (the same card or another one) puts it in.
import { stat } from 'node:fs/promises';
import { CardFileError, CardInUseError, VirtualCard, lockCardFile } from '../../firmware-sim/index.js';
import type { CardReaders } from './channel.js';
import { cardError, isCardError } from './codes.js';
import { InProcessReaders } from './in-process.js';

export interface CardFileSlot {
  /** The reader set with this one reader; close() also releases the card file. */
  readonly readers: CardReaders;
  readonly readerName: string;
  /** Is the card in the reader? */
  readonly present: boolean;
  remove(): Promise<void>;
  /** Throws card_file_unreadable / card_file_invalid when the file is not a card any more. */
  insert(): Promise<void>;
  /** Told after every remove or insert (the terminal's page shows the slot). */
  onChange(listener: (present: boolean) => void): () => void;
}

const MAX_CARD_FILE_BYTES = 4 * 1024 * 1024;

async function openCard(cardFile: string, onFault: ((e: unknown, ins: number | undefined) => void) | undefined): Promise<VirtualCard> {
  try {
    const st = await stat(cardFile);
    if (!st.isFile() || st.size > MAX_CARD_FILE_BYTES) throw cardError('card_file_invalid', `${cardFile} is not a simulated card file`);
    return await VirtualCard.open(cardFile, onFault ? { onFault } : {});
  } catch (e) {
    if (isCardError(e)) throw e;
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    if (e instanceof CardFileError || typeof code !== 'string') throw cardError('card_file_invalid', `${cardFile} is not a simulated card file (firmware-sim/card@1)`, { cause: e });
    throw cardError('card_file_unreadable', `Cannot read the card file ${cardFile} (${code})`, { cause: e });
  }
}

export async function openCardFileSlot(
  cardFile: string,
  readerName: string,
  options: { readonly watchFile?: boolean; readonly watchMs?: number; readonly onFault?: (e: unknown, ins: number | undefined) => void } = {},
): Promise<CardFileSlot> {
  let lock: { release(): Promise<void> };
  try {
    lock = await lockCardFile(cardFile);
  } catch (e) {
    if (e instanceof CardInUseError) throw cardError('card_file_in_use', `The card file ${cardFile} is in use by another process (a firmware-sim run?)`, { cause: e });
    throw cardError('card_file_unreadable', `Cannot open the card file ${cardFile}`, { cause: e });
  }
  const readers = new InProcessReaders([readerName]);
  let card: VirtualCard | undefined;
  let closed = false;
  const listeners = new Set<(present: boolean) => void>();
  // One change at a time: a remove and an insert never interleave.
  let turn: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const next = turn.then(f, f);
    turn = next.catch(() => undefined);
    return next;
  };
  const changed = (): void => {
    for (const l of listeners) l(card !== undefined);
  };

  const remove = () =>
    serial(async () => {
      if (card === undefined || closed) return;
      const leaving = card;
      card = undefined;
      await readers.remove(readerName);
      // Its last answers are on disk before the file may be touched.
      await leaving.idle();
      changed();
    });
  const insert = () =>
    serial(async () => {
      if (card !== undefined || closed) return;
      const coming = await openCard(cardFile, options.onFault);
      await readers.insert(readerName, coming);
      card = coming;
      changed();
    });

  try {
    await insert();
  } catch (e) {
    await readers.close().catch(() => undefined);
    await lock.release();
    throw e;
  }

  let watcher: ReturnType<typeof setInterval> | undefined;
  if (options.watchFile) {
    let existed = true;
    watcher = setInterval(() => {
      void stat(cardFile).then(
        () => true,
        () => false,
      ).then(async (exists) => {
        if (exists === existed) return;
        existed = exists;
        await (exists ? insert() : remove()).catch(() => undefined);
      });
    }, options.watchMs ?? 300);
    watcher.unref();
  }

  return {
    readers: {
      list: () => readers.list(),
      waitForCard: (name, opts) => readers.waitForCard(name, opts),
      on: (event, listener) => readers.on(event, listener),
      connect: (name, opts) => readers.connect(name, opts),
      close: () =>
        serial(async () => {
          if (closed) return;
          closed = true;
          if (watcher) clearInterval(watcher);
          try {
            await readers.close();
            await card?.idle();
          } finally {
            await lock.release();
          }
        }),
    },
    readerName,
    get present() {
      return card !== undefined;
    },
    remove,
    insert,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
