// A text TerminalDisplay on a stream (the CLI's screen). The transaction is
// framed so the amount and payee stand out; the outcome is one line.
//
// The view's text is displayable (show-transaction.ts refuses anything else),
// but it is still the relying party's text: only this display's own labels
// ("Amount:", "Payee:", …) ever start at the left margin. A long payee or
// reference is wrapped here, under its value column, and every consent line
// is indented, so no text from the challenge can wrap onto — or be written
// as — a line that reads like another field ("Amount:    1.00 KHR").
// Widths are counted per grapheme (UAX #29) and over-estimated — 2 columns
// for anything outside printable ASCII — so a line is never wider than
// counted and the screen never wraps it at the margin on its own.
import type { Writable } from 'node:stream';
import type { TerminalDisplay } from '../types.js';

const WIDTH = 72;
const LABEL = 11; // "Reference: "
const CONSENT_INDENT = '  ';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const columns = (g: string): number => (/^[\x20-\x7e]$/.test(g) ? 1 : 2);

/** `text` cut into lines of at most `width` columns, after a space where one is at hand. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line: string[] = [];
  let used = 0;
  let lastSpace = -1;
  for (const { segment } of graphemes.segment(text)) {
    const w = columns(segment);
    if (used + w > width && line.length > 0) {
      // Keep the space at the end of the line it closes: nothing is dropped.
      const cut = lastSpace >= 0 ? lastSpace + 1 : line.length;
      lines.push(line.slice(0, cut).join(''));
      line = line.slice(cut);
      used = line.reduce((n, g) => n + columns(g), 0);
      lastSpace = -1;
    }
    line.push(segment);
    used += w;
    if (segment === ' ') lastSpace = line.length - 1;
  }
  lines.push(line.join(''));
  return lines;
}

function field(label: string, value: string): string[] {
  const [first = '', ...rest] = wrap(value, WIDTH - LABEL);
  return [`${label.padEnd(LABEL)}${first}`, ...rest.map((l) => `${' '.repeat(LABEL)}${l}`)];
}

export function streamDisplay(out: Writable): TerminalDisplay {
  return {
    status(text) {
      out.write(`${text}\n`);
    },
    showTransaction(v) {
      const lines: string[] = [];
      if (v.amount !== null) lines.push(...field('Amount:', v.amount));
      if (v.payee !== null) lines.push(...field('Payee:', v.payee));
      if (v.reference !== null) lines.push(...field('Reference:', v.reference));
      if (v.amount === null) lines.push('Identify yourself with your ID card.');
      if (v.requestedAttributes.length > 0) {
        const [head = '', ...more] = wrap(`Shared with the requester: ${v.requestedAttributes.join(', ')}`, WIDTH - CONSENT_INDENT.length);
        lines.push(head, ...more.map((l) => `${CONSENT_INDENT}${l}`));
        // LF separates the consent's lines (src/auth/display-text.ts); an empty one separates paragraphs.
        if (v.consentText !== null) {
          for (const para of v.consentText.split('\n')) {
            if (para === '') lines.push('');
            else lines.push(...wrap(para, WIDTH - CONSENT_INDENT.length).map((l) => `${CONSENT_INDENT}${l}`));
          }
        }
      }
      const width = Math.max(...lines.map((l) => [...graphemes.segment(l)].reduce((n, g) => n + columns(g.segment), 0)));
      const rule = '-'.repeat(Math.min(width, WIDTH));
      out.write(`${rule}\n${lines.join('\n')}\n${rule}\nTyping your PIN approves the above.\n`);
    },
    showOutcome(_o, message) {
      out.write(`${message}\n`);
    },
  };
}
