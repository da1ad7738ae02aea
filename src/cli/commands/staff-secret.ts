// Reading a staff password for the CLI: without echo
// from the terminal, or from standard input when it is not a terminal, so it
// can be scripted; never from a command-line argument). On a terminal the
// input is read in raw mode and nothing is echoed; Ctrl-C / Ctrl-D abandon.
// From a pipe, one password per line.
import type { Readable, Writable } from 'node:stream';
import { CliError } from '../io.js';

const MAX_BYTES = 1024;
type Input = Readable & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };

export interface SecretReader {
  read(prompt: string): Promise<string>;
}

function ttyReader(input: Input, output: Writable): SecretReader {
  return {
    read(prompt) {
      output.write(prompt);
      const bytes: number[] = [];
      input.setRawMode?.(true);
      input.resume();
      return new Promise<string>((resolve, reject) => {
        const done = (err?: Error): void => {
          input.off('data', onData);
          input.setRawMode?.(false);
          input.pause();
          output.write('\n');
          if (err) reject(err);
          else resolve(Buffer.from(bytes).toString('utf8'));
          bytes.fill(0);
        };
        const onData = (chunk: Buffer): void => {
          for (const b of chunk) {
            if (b === 0x03 || b === 0x04) return done(new CliError('password entry cancelled', 'cancelled', 130));
            if (b === 0x0d || b === 0x0a) return done();
            if (b === 0x7f || b === 0x08) {
              // drop a whole UTF-8 character
              while (bytes.length > 0 && ((bytes.pop() ?? 0) & 0xc0) === 0x80);
              continue;
            }
            if (bytes.length >= MAX_BYTES) return done(new CliError('password too long', 'usage', 2));
            bytes.push(b);
          }
        };
        input.on('data', onData);
      });
    },
  };
}

function lineReader(input: Readable, output: Writable): SecretReader {
  let buffer = Buffer.alloc(0);
  let ended = false;
  let wake: (() => void) | undefined;
  input.on('data', (c: Buffer | string) => {
    buffer = Buffer.concat([buffer, typeof c === 'string' ? Buffer.from(c) : c]);
    wake?.();
  });
  input.on('end', () => {
    ended = true;
    wake?.();
  });
  return {
    async read(prompt) {
      output.write(`${prompt}(from standard input)\n`);
      for (;;) {
        const nl = buffer.indexOf(0x0a);
        if (nl >= 0 || (ended && buffer.length > 0)) {
          const end = nl >= 0 ? nl : buffer.length;
          const line = buffer.subarray(0, end > 0 && buffer[end - 1] === 0x0d ? end - 1 : end).toString('utf8');
          buffer = Buffer.from(buffer.subarray(Math.min(end + 1, buffer.length)));
          return line;
        }
        if (ended) throw new CliError('standard input ended before a password was given', 'usage', 2);
        if (buffer.length > MAX_BYTES) throw new CliError('password too long', 'usage', 2);
        input.resume();
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    },
  };
}

export function secretReader(input: Input, prompts: Writable): SecretReader {
  return input.isTTY ? ttyReader(input, prompts) : lineReader(input, prompts);
}
