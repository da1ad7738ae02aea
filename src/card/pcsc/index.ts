// PC/SC implementation of CardReaders / CardChannel (pcscd through npm
// `pcsclite`). Imported by the composition root and tools only.
export { PcscReaders, type PcscReadersOptions } from './readers.js';
export { SHORT_RESPONSE_BUFFER, EXTENDED_RESPONSE_BUFFER } from './channel.js';
