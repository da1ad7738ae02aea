// The station's PIN pad for the issuance engine (ports/station.ts), on the
// one PIN-pad abstraction of src/pin-pad: the citizen types the PIN at the
// station and it goes only to the card, never to the service. On the station's
// terminal nothing is echoed and a new PIN is typed twice (three tries to type
// the same twice); from a pipe (a scripted station) one PIN per line and a new
// PIN once, since a script cannot mistype. A cancelled entry, the end of
// input and an over-long entry are issuance_pin_entry_failed: the engine
// leaves the job interrupted for a later resume.
import type { Readable, Writable } from 'node:stream';
import { MAX_LINE, streamPinPad } from '../../pin-pad/stream-pin-pad.js';
import { ttyPinPad, type RawInput } from '../../pin-pad/tty-pin-pad.js';
import type { PinPad } from '../../pin-pad/types.js';
import { issuanceError } from '../codes.js';
import type { PinPad as StationPinPad } from '../ports/station.js';

const MAX_TTY_KEYS = 16;
const CHOOSE = 'Citizen, choose your PIN (6-8 digits)';

interface StationOptions {
  readonly confirmNewPin: boolean;
  readonly maxLength: number;
  /** Why a null entry failed. */
  readonly ended: string;
  /** A line for the citizen between entries. */
  readonly say: (text: string) => void;
}

function station(pad: PinPad, opts: StationOptions): StationPinPad {
  const read = async (prompt: string): Promise<Uint8Array> => {
    const pin = await pad.readPin({ prompt });
    if (pin === null) throw issuanceError('issuance_pin_entry_failed', opts.ended);
    if (pin.length > opts.maxLength) {
      pin.fill(0);
      throw issuanceError('issuance_pin_entry_failed', 'PIN too long');
    }
    return pin;
  };
  return {
    async readNewPin(p) {
      if (p.reason !== undefined) opts.say(`PIN refused: ${p.reason}`);
      if (!opts.confirmNewPin) return read(CHOOSE);
      for (let i = 0; i < 3; i++) {
        const first = await read(CHOOSE);
        const second = await read('Type it again');
        const same = first.length === second.length && first.every((b, k) => b === second[k]);
        second.fill(0);
        if (same) return first;
        first.fill(0);
        opts.say('The two entries differ; again.');
      }
      throw issuanceError('issuance_pin_mismatch', 'The two PIN entries differed three times');
    },
    async readPin(p) {
      return read(`Citizen, type your PIN to ${p.purpose}`);
    },
  };
}

/** On the station's terminal: nothing echoed, a new PIN typed twice. */
export function stationTtyPinPad(input: RawInput, output: Writable): StationPinPad {
  const keys = ttyPinPad(input, output, { echo: 'none', digitsOnly: false, maxLength: MAX_TTY_KEYS, overflow: 'hand-out' });
  return station(keys, { confirmNewPin: true, maxLength: MAX_TTY_KEYS, ended: 'PIN entry cancelled', say: (t) => output.write(`${t}\n`) });
}

/** From a pipe: one PIN per line, a new PIN once. */
export function stationStreamPinPad(input: Readable, prompts: Writable): StationPinPad {
  return station(streamPinPad(input, prompts), {
    confirmNewPin: false,
    maxLength: MAX_LINE,
    ended: 'Standard input ended before a PIN was entered',
    say: (t) => prompts.write(`${t}\n`),
  });
}

/** The right pad for a CLI's standard input: the terminal without echo, or lines when scripted. */
export function stationPinPadFor(input: RawInput, prompts: Writable): StationPinPad {
  return input.isTTY === true && typeof input.setRawMode === 'function' ? stationTtyPinPad(input, prompts) : stationStreamPinPad(input, prompts);
}
