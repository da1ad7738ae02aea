// The PIN pad (port), one abstraction for the issuance station and the
// terminal: the PIN goes from the pad to the card and nowhere else.
// `readPin` answers the PIN as ASCII bytes that the caller zeroes after use,
// or null when the citizen cancelled, the input ended, or the entry became
// moot (the card was pulled out: the signal aborted).
export interface PinPad {
  readPin(request: {
    readonly prompt: string;
    /** Shown beside the prompt when known. */
    readonly triesLeft?: number | undefined;
    /** Aborted when the entry is moot: the pad answers null at once. */
    readonly signal?: AbortSignal | undefined;
  }): Promise<Uint8Array | null>;
}
