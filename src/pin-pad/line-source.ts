// Lines from a readable stream, one at a time, as a script feeds a PIN pad
// on standard input. Bytes stay in Buffers that are zeroed once a line is
// handed out (never strings: we leave no PIN in immutable memory). A line
// longer than `maxLine` is handed out cut to maxLine + 1 bytes, so the caller
// refuses it without it ever being echoed; the buffer is bounded.

import type { Readable } from 'node:stream';

export interface LineSource {
  /** The next line without its end of line; null at end of input or once `signal` aborted. */
  next(signal?: AbortSignal): Promise<Uint8Array | null>;
}

export function lineSource(input: Readable, maxLine: number): LineSource {
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
  const take = (end: number, skip: number): Uint8Array => {
    const lineEnd = end > 0 && buffer[end - 1] === 0x0d ? end - 1 : end;
    const line = Uint8Array.from(buffer.subarray(0, Math.min(lineEnd, maxLine + 1)));
    const rest = Buffer.from(buffer.subarray(Math.min(end + skip, buffer.length)));
    buffer.fill(0);
    buffer = rest;
    return line;
  };
  return {
    async next(signal) {
      attach();
      const onAbort = (): void => wake();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        for (;;) {
          if (signal?.aborted) return null;
          const nl = buffer.indexOf(0x0a);
          if (nl >= 0) return take(nl, 1);
          if (ended && buffer.length > 0) return take(buffer.length, 0);
          // No end of line in sight and already too long: hand out the cut line, drop the rest.
          if (buffer.length > 4 * (maxLine + 1)) return take(buffer.length, 0);
          if (ended) return null;
          input.resume();
          await new Promise<void>((r) => waiters.push(r));
        }
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
