// Wait for the citizen's card in the terminal's reader, connect and SELECT
// PIV (SP 800-73-4 Part 2 §3.1.1). The wait is bounded by `timeoutMs` and
// cancellable through `signal` (card_wait_timeout / card_wait_aborted from
// the reader set). A card without the PIV application is not an ID card.
import type { CardChannel, CardReaders } from '../card/channel.js';
import { PivClient } from '../card/piv/client.js';
import { terminalError } from './codes.js';

export interface CardSession {
  readonly channel: CardChannel;
  readonly piv: PivClient;
  /** Call `listener` when this card leaves its reader; returns the unsubscribe function. */
  readonly onRemoved?: (listener: () => void) => () => void;
}

export async function waitForCard(
  readers: CardReaders,
  readerName: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<CardSession> {
  await readers.waitForCard(readerName, options);
  // Exclusive: no other PC/SC client may slip a command between VERIFY and
  // GENERAL AUTHENTICATE, nor reset the card under us.
  const channel = await readers.connect(readerName, { shareMode: 'exclusive' });
  const session = await openCardSession(channel);
  return {
    ...session,
    onRemoved: (listener) =>
      readers.on('removed', (e) => {
        if (e.reader === readerName) listener();
      }),
  };
}

/** SELECT PIV on an already open channel (an in-process card, a channel from elsewhere). */
export async function openCardSession(channel: CardChannel): Promise<CardSession> {
  const opened = await PivClient.open(channel);
  if (!opened.ok) {
    await channel.close().catch(() => undefined);
    throw terminalError('card_not_supported', 'This card has no PIV application.');
  }
  return { channel, piv: opened.client };
}
