// The issuance station around the engine: where the citizen types the PIN,
// where the one-time PUK is shown, and how progress is reported.

/**
 * A PIN pad at the station: the PIN is entered at the station and sent only
 * to the card, never to the service. Implementations: the terminal without
 * echo, standard input when it is not a terminal, and a test pad.
 * The returned buffer is zeroed by the engine once the card has it.
 */
export interface PinPad {
  /** Ask for the new PIN twice; resolve with the PIN as ASCII bytes. */
  readNewPin(prompt: { readonly attempt: number; readonly reason?: string }): Promise<Uint8Array>;
  /** Ask for the current PIN (hand-over, staff-assisted reset), once. */
  readPin(prompt: { readonly purpose: string }): Promise<Uint8Array>;
}

/** Where the one-time PUK goes: shown (or printed for the sealed envelope) exactly once. */
export interface PukDisplay {
  show(puk: string): Promise<void>;
}

export type ProgressEvent =
  | { readonly kind: 'job'; readonly jobId: string; readonly resumed: boolean; readonly attempt: number }
  | { readonly kind: 'step-start'; readonly step: string; readonly index: number; readonly total: number; readonly title: string }
  | { readonly kind: 'step-done'; readonly step: string; readonly index: number; readonly total: number; readonly ms: number }
  | { readonly kind: 'step-skipped'; readonly step: string; readonly index: number; readonly total: number }
  | { readonly kind: 'wipe'; readonly reason: string }
  | { readonly kind: 'done'; readonly jobId: string; readonly cardSerial: number };

export type Progress = (event: ProgressEvent) => void;
