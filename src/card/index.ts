// The host side of the card: the channel and reader-set interfaces, the
// in-process implementation and the typed PIV client. The PC/SC
// implementation is its own entry point, src/card/pcsc/index.ts, so that
// code which only needs the interfaces never loads the native pcsclite
// binding (the composition root picks the implementation).
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
export * from './piv/index.js';
