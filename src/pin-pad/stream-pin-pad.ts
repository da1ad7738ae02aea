// The PIN pad when standard input is not a terminal (scripts and tests feed
// the PIN that way, never in an argument): one PIN per line, nothing echoed;
// the prompt goes to the prompt stream (the error stream of a CLI) so
// standard output stays the command's result. End of input means no further
// PIN, and so does an aborted entry.
import type { Readable, Writable } from 'node:stream';
import { lineSource } from './line-source.js';
import type { PinPad } from './types.js';

/** Longer lines are handed out cut to MAX_LINE + 1 bytes and refused as PINs by the caller. */
export const MAX_LINE = 64;

export function streamPinPad(input: Readable, prompts: Writable): PinPad {
  const lines = lineSource(input, MAX_LINE);
  return {
    async readPin({ prompt, signal }) {
      prompts.write(`${prompt} (from standard input)\n`);
      return lines.next(signal);
    },
  };
}
