// The slice of npm `pcsclite` (a libpcsclite binding) this layer uses, typed
// for what it does rather than what its declaration file exports (the
// package's interfaces are not exported from its `export =` module).
//
// Facts about the binding that shape the code around it (node-pcsclite 1.0.1,
// src/cardreader.cpp, lib/pcsclite.js):
// - pcsc() establishes a PC/SC context synchronously and THROWS when pcscd is
//   not running ("SCardEstablishContext error: Service not available.").
// - It lists readers on a native thread and emits 'reader' once per new
//   reader; it has no event for "listing done" (see readers.ts for the hook).
// - Every CardReader runs its own SCardGetStatusChange thread and emits
//   'status' ({state, atr}) on every change; 'end' when that thread stops.
//   Both the context and each reader must be close()d or the process cannot
//   exit (each holds a libuv async handle).
// - A CardReader holds ONE card handle: one connection per reader object.
// - connect() defaults to EXCLUSIVE sharing; we always pass the mode.
// - Errors are plain Error objects whose message ends with "(0x8010xxxx)".
import pcscFactory from 'pcsclite';

export interface NativeStatus {
  state: number;
  atr?: Buffer;
}

export interface NativeReader {
  readonly name: string;
  readonly connected: boolean;
  readonly SCARD_SHARE_SHARED: number;
  readonly SCARD_SHARE_EXCLUSIVE: number;
  readonly SCARD_PROTOCOL_T0: number;
  readonly SCARD_PROTOCOL_T1: number;
  readonly SCARD_STATE_EMPTY: number;
  readonly SCARD_STATE_PRESENT: number;
  readonly SCARD_STATE_MUTE: number;
  readonly SCARD_LEAVE_CARD: number;
  readonly SCARD_RESET_CARD: number;
  readonly SCARD_UNPOWER_CARD: number;
  on(event: 'status', listener: (status: NativeStatus) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  removeAllListeners(event?: string): unknown;
  connect(options: { share_mode: number; protocol: number }, cb: (err: unknown, protocol: number) => void): void;
  disconnect(disposition: number, cb: (err: unknown) => void): void;
  transmit(data: Buffer, resLen: number, protocol: number, cb: (err: unknown, response: Buffer) => void): void;
  close(): void;
}

export interface NativeContext {
  on(event: 'reader', listener: (reader: NativeReader) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  removeAllListeners(event?: string): unknown;
  /** Native method the binding calls on next tick with its reader-list callback. */
  start: (cb: (err: unknown, data: Buffer) => void) => void;
  close(): void;
}

/** Create a PC/SC context (throws the binding's error when pcscd is down). */
export function createNativeContext(): NativeContext {
  return (pcscFactory as unknown as () => NativeContext)();
}

/** The PC/SC return code in a binding error message, e.g. 0x80100069. */
export function pcscReturnCode(error: unknown): number | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const m = /\(0x([0-9a-fA-F]{8})\)\s*$/.exec(message);
  return m?.[1] === undefined ? undefined : Number.parseInt(m[1], 16);
}

/** PC/SC return codes this layer tells apart (pcsclite.h). */
export const pcscCodes = {
  SCARD_E_CANCELLED: 0x80100002,
  SCARD_E_INVALID_HANDLE: 0x80100003,
  SCARD_E_INSUFFICIENT_BUFFER: 0x80100008,
  SCARD_E_UNKNOWN_READER: 0x80100009,
  SCARD_E_TIMEOUT: 0x8010000a,
  SCARD_E_SHARING_VIOLATION: 0x8010000b,
  SCARD_E_NO_SMARTCARD: 0x8010000c,
  SCARD_E_PROTO_MISMATCH: 0x8010000f,
  SCARD_E_NOT_READY: 0x80100010,
  SCARD_E_NOT_TRANSACTED: 0x80100016,
  SCARD_E_READER_UNAVAILABLE: 0x80100017,
  SCARD_E_NO_SERVICE: 0x8010001d,
  SCARD_E_SERVICE_STOPPED: 0x8010001e,
  SCARD_E_NO_READERS_AVAILABLE: 0x8010002e,
  SCARD_E_COMM_DATA_LOST: 0x8010002f,
  SCARD_W_UNRESPONSIVE_CARD: 0x80100066,
  SCARD_W_UNPOWERED_CARD: 0x80100067,
  SCARD_W_RESET_CARD: 0x80100068,
  SCARD_W_REMOVED_CARD: 0x80100069,
} as const;
