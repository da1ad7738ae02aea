// The PIN pad on the station's terminal: raw mode, nothing echoed (not even
// asterisks — their count tells an onlooker the PIN length), a new PIN asked
// twice. Ctrl-C or Ctrl-D abandons the entry (issuance_pin_entry_failed); the
// engine leaves the job interrupted for a later resume.
import type { Readable, Writable } from 'node:stream';
import { issuanceError } from '../codes.js';
import type { PinPad } from '../ports/station.js';

type RawInput = Readable & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };

const MAX = 16;

function readHidden(input: RawInput, output: Writable, prompt: string): Promise<Uint8Array> {
  output.write(prompt);
  const buf = new Uint8Array(MAX);
  let len = 0;
  input.setRawMode?.(true);
  input.resume();
  return new Promise<Uint8Array>((resolve, reject) => {
    const done = (err?: Error): void => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      if (err) {
        buf.fill(0);
        reject(err);
      } else {
        const out = buf.slice(0, len);
        buf.fill(0);
        resolve(out);
      }
    };
    const onData = (chunk: Buffer): void => {
      try {
        for (const b of chunk) {
          if (b === 0x03 || b === 0x04) return done(issuanceError('issuance_pin_entry_failed', 'PIN entry cancelled'));
          if (b === 0x0d || b === 0x0a) return done();
          if (b === 0x7f || b === 0x08) {
            if (len > 0) buf[--len] = 0;
            continue;
          }
          if (len >= MAX) return done(issuanceError('issuance_pin_entry_failed', 'PIN too long'));
          buf[len++] = b;
        }
      } finally {
        chunk.fill(0);
      }
    };
    input.on('data', onData);
  });
}

export function ttyPinPad(input: RawInput, output: Writable): PinPad {
  return {
    async readNewPin(p) {
      if (p.reason !== undefined) output.write(`PIN refused: ${p.reason}\n`);
      for (let i = 0; i < 3; i++) {
        const first = await readHidden(input, output, 'Citizen, choose your PIN (6-8 digits): ');
        const second = await readHidden(input, output, 'Type it again: ');
        const same = first.length === second.length && first.every((b, k) => b === second[k]);
        second.fill(0);
        if (same) return first;
        first.fill(0);
        output.write('The two entries differ; again.\n');
      }
      throw issuanceError('issuance_pin_mismatch', 'The two PIN entries differed three times');
    },
    async readPin(p) {
      return readHidden(input, output, `Citizen, type your PIN to ${p.purpose}: `);
    },
  };
}

/** The right pad for a CLI's standard input: the terminal without echo, or lines when scripted. */
export function stationPinPad(input: RawInput, prompts: Writable, streamPad: (i: Readable, o: Writable) => PinPad): PinPad {
  return input.isTTY === true && typeof input.setRawMode === 'function' ? ttyPinPad(input, prompts) : streamPad(input, prompts);
}
