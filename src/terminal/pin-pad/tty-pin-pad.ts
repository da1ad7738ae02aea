// The PIN pad on the terminal's own keyboard, masked: the PIN comes from the
// terminal's own input and is never shown. Raw mode, digits only, one '*' per
// digit so the citizen sees the key registered, backspace, Enter to confirm, Ctrl-C /
// Ctrl-D / Esc to cancel. Bytes go into a fixed buffer that is zeroed as soon
// as the PIN is handed over; input chunks are zeroed as they are read.
import type { Readable, Writable } from 'node:stream';
import type { PinPad } from '../types.js';

type RawInput = Readable & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };

const MAX_DIGITS = 8;

export function ttyPinPad(input: RawInput, output: Writable): PinPad {
  return {
    readPin({ prompt, triesLeft, signal }) {
      // Raw mode (no echo by the tty) before the prompt invites typing.
      input.setRawMode?.(true);
      output.write(`${prompt}${triesLeft === undefined ? '' : ` (${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left)`}: `);
      const buf = new Uint8Array(MAX_DIGITS);
      let len = 0;
      input.resume();
      return new Promise<Uint8Array | null>((resolve) => {
        const finish = (confirmed: boolean): void => {
          input.off('data', onData);
          input.off('end', onEnd);
          signal?.removeEventListener('abort', onAbort);
          input.setRawMode?.(false);
          input.pause();
          output.write('\n');
          const pin = confirmed ? buf.slice(0, len) : null;
          buf.fill(0);
          resolve(pin);
        };
        const onData = (chunk: Buffer): void => {
          try {
            for (const b of chunk) {
              if (b === 0x03 || b === 0x04 || b === 0x1b) return finish(false);
              if (b === 0x0d || b === 0x0a) return finish(true);
              if (b === 0x7f || b === 0x08) {
                if (len > 0) {
                  buf[--len] = 0;
                  output.write('\b \b');
                }
                continue;
              }
              // Digits only (FIPS 201-3 §4.3.1); anything else is ignored, like a PIN pad without letters.
              if (b < 0x30 || b > 0x39 || len >= MAX_DIGITS) continue;
              buf[len++] = b;
              output.write('*');
            }
          } finally {
            chunk.fill(0);
          }
        };
        // The terminal went away (hang-up): no PIN will come.
        const onEnd = (): void => finish(false);
        const onAbort = (): void => finish(false);
        if (signal?.aborted) return finish(false);
        input.on('data', onData);
        input.once('end', onEnd);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
