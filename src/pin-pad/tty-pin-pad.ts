// The PIN pad on a terminal's own keyboard: raw mode (the tty echoes nothing),
// backspace edits, Enter confirms, Ctrl-C / Ctrl-D / Esc or a hang-up cancel.
// Keys go into a fixed buffer that is zeroed as soon as the PIN is handed
// over; input chunks are zeroed as they are read. How much it shows and what
// it takes is the caller's choice:
//   - the terminal: one '*' per digit so the citizen sees the key registered,
//     digits only (FIPS 201-3 §4.3.1), keys beyond 8 ignored like a pad's;
//   - the issuance station: nothing at all (the count of asterisks tells an
//     onlooker the PIN's length), every key kept, the entry handed out as soon
//     as it passes the maximum so the caller refuses it.
import type { Readable, Writable } from 'node:stream';
import type { PinPad } from './types.js';

export type RawInput = Readable & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };

export interface TtyPinPadOptions {
  readonly echo: 'mask' | 'none';
  readonly digitsOnly: boolean;
  readonly maxLength: number;
  /** `ignore`: keys beyond maxLength are dropped; `hand-out`: the entry ends at maxLength + 1 keys. */
  readonly overflow: 'ignore' | 'hand-out';
}

export const terminalKeys: TtyPinPadOptions = { echo: 'mask', digitsOnly: true, maxLength: 8, overflow: 'ignore' };

export function ttyPinPad(input: RawInput, output: Writable, options: TtyPinPadOptions = terminalKeys): PinPad {
  return {
    readPin({ prompt, triesLeft, signal }) {
      // Raw mode (no echo by the tty) before the prompt invites typing.
      input.setRawMode?.(true);
      output.write(`${prompt}${triesLeft === undefined ? '' : ` (${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left)`}: `);
      const buf = new Uint8Array(options.maxLength + 1);
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
                  if (options.echo === 'mask') output.write('\b \b');
                }
                continue;
              }
              if (options.digitsOnly && (b < 0x30 || b > 0x39)) continue;
              if (len >= options.maxLength) {
                if (options.overflow === 'ignore') continue;
                buf[len++] = b;
                return finish(true);
              }
              buf[len++] = b;
              if (options.echo === 'mask') output.write('*');
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
