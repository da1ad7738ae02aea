// The PIN pad when standard input is not a terminal (scripts and tests feed
// the PIN that way, never in an argument): one PIN per line, nothing echoed;
// the prompt goes to the error stream so standard output
// stays the command's result. End of input means no further PIN, and so does
// an aborted entry (the card was pulled out). Bytes are kept in Buffers that
// are zeroed once a line is handed out.
import type { Readable, Writable } from 'node:stream';
import type { PinPad } from '../types.js';

const MAX_LINE = 64;

export function streamPinPad(input: Readable, prompts: Writable): PinPad {
  let buffer = Buffer.alloc(0);
  let ended = false;
  let waiters: Array<() => void> = [];
  const wake = (): void => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  let attached = false;
  const attach = (): void => {
    if (attached) return;
    attached = true;
    input.on('data', (chunk: Buffer | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const next = Buffer.concat([buffer, b]);
      buffer.fill(0);
      b.fill(0);
      buffer = next;
      wake();
    });
    input.on('end', () => {
      ended = true;
      wake();
    });
  };

  /** The next line without its end of line; null at end of input or when aborted. */
  const nextLine = async (signal: AbortSignal | undefined): Promise<Uint8Array | null> => {
    for (;;) {
      if (signal?.aborted) return null;
      const nl = buffer.indexOf(0x0a);
      if (nl >= 0 || (ended && buffer.length > 0)) {
        const end = nl >= 0 ? nl : buffer.length;
        const lineEnd = end > 0 && buffer[end - 1] === 0x0d ? end - 1 : end;
        // An over-long line is passed on (cut) and refused as a malformed PIN, never echoed.
        const line = Uint8Array.from(buffer.subarray(0, Math.min(lineEnd, MAX_LINE + 1)));
        const rest = Buffer.from(buffer.subarray(Math.min(end + 1, buffer.length)));
        buffer.fill(0);
        buffer = rest;
        return line;
      }
      if (ended) return null;
      await new Promise<void>((r) => waiters.push(r));
    }
  };

  return {
    async readPin({ prompt, signal }) {
      attach();
      prompts.write(`${prompt} (from standard input)\n`);
      const onAbort = (): void => wake();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await nextLine(signal);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
