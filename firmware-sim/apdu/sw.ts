// ISO/IEC 7816-4 §5.1.3 status words, as the PIV card answers them
// (SP 800-73-4 Part 2 §3 lists the ones each command may return).
// Handlers throw SwError; the dispatcher turns every failure into a status word.

export const SW = {
  OK: 0x9000,
  WRONG_LENGTH: 0x6700,
  SECURITY_STATUS: 0x6982,
  AUTH_BLOCKED: 0x6983,
  CONDITIONS: 0x6985,
  WRONG_DATA: 0x6a80,
  FILE_NOT_FOUND: 0x6a82,
  NO_SPACE: 0x6a84,
  WRONG_P1P2: 0x6a86,
  REF_NOT_FOUND: 0x6a88,
  WRONG_SLOT: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  /** "No precise diagnosis": the answer to anything unexpected inside the card. */
  UNKNOWN: 0x6f00,
} as const;

export type StatusWord = number;

/** A handler's refusal, carrying the status word the card answers. */
export class SwError extends Error {
  override readonly name = 'SwError';
  constructor(readonly sw: StatusWord) {
    super(`status word ${sw.toString(16).toUpperCase().padStart(4, '0')}`);
  }
}

/** `63Cx`: wrong PIN or PUK, x tries left (ISO 7816-4 warning, counter in the low nibble). */
export function triesLeftSw(triesLeft: number): StatusWord {
  return triesLeft <= 0 ? SW.AUTH_BLOCKED : 0x63c0 | Math.min(triesLeft, 15);
}

export function swBytes(sw: StatusWord): Uint8Array {
  return Uint8Array.of((sw >> 8) & 0xff, sw & 0xff);
}
