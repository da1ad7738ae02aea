// The PIN pad when standard input is not a terminal, so a station can be
// scripted (never a PIN in an argument): one PIN per line, one line per
// question (new PIN: once; no confirmation,
// since a script cannot mistype). Nothing is echoed; the prompt goes to the
// error stream so standard output stays the command's result.
import type { Readable, Writable } from 'node:stream';
import type { PinPad } from '../ports/station.js';
import { LineReader } from './line-reader.js';

export function streamPinPad(input: Readable, prompts: Writable): PinPad {
  const lines = new LineReader(input);
  return {
    async readNewPin(p) {
      prompts.write(p.reason === undefined ? 'New PIN (from standard input)\n' : `PIN refused: ${p.reason}. New PIN (from standard input)\n`);
      return lines.readLine();
    },
    async readPin(p) {
      prompts.write(`PIN to ${p.purpose} (from standard input)\n`);
      return lines.readLine();
    },
  };
}
