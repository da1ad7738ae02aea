// A text DocumentDisplay on a stream (the CLI's screen): who asks, the
// title, the summary's lines and the digest's fingerprint, framed; only this
// display's own labels start at the left margin (the relying party's text is
// wrapped under its column and summary lines are indented, as the
// transaction screen does in ../display/stream-display.ts).
import type { Writable } from 'node:stream';
import { wrap } from '../display/stream-display.js';
import type { DocumentDisplay } from './types.js';

const WIDTH = 72;
const LABEL = 14; // "Requested by: "
const INDENT = '  ';

function field(label: string, value: string): string[] {
  const [first = '', ...rest] = wrap(value, WIDTH - LABEL);
  return [`${label.padEnd(LABEL)}${first}`, ...rest.map((l) => `${' '.repeat(LABEL)}${l}`)];
}

export function streamDocumentDisplay(out: Writable): DocumentDisplay {
  return {
    status(text) {
      out.write(`${text}\n`);
    },
    showDocument(v) {
      const lines = [...field('Requested by:', v.requester), ...field('Document:', v.title)];
      for (const para of v.summary.split('\n')) {
        if (para === '') lines.push('');
        else lines.push(...wrap(para, WIDTH - INDENT.length).map((l) => `${INDENT}${l}`));
      }
      lines.push(...field('Fingerprint:', v.fingerprint));
      const rule = '-'.repeat(WIDTH);
      out.write(`${rule}\n${lines.join('\n')}\n${rule}\nTyping your PIN signs this document with your ID card.\n`);
    },
    showOutcome(_o, message) {
      out.write(`${message}\n`);
    },
  };
}
