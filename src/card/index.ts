// The host side of the card: channels to cards (PC/SC or in-process), reader
// sets with insert/remove events, and the typed PIV client.
export type {
  CardChannel,
  CardDisposition,
  CardReaders,
  CardReaderEvents,
  CardInsertedEvent,
  CardRemovedEvent,
  ReaderChangeEvent,
  ReaderInfo,
  WaitForCardOptions,
  ConnectOptions,
} from './channel.js';
export { cardDispositions } from './channel.js';
export { cardCodes, cardError, isCardError, type CardErrorCode } from './codes.js';
export { openInProcessChannel, InProcessReaders, type DirectCard } from './in-process.js';
export { PcscReaders, type PcscReadersOptions } from './pcsc/readers.js';
export * from './piv/index.js';
