// A text TerminalDisplay on a stream (the CLI's screen). The transaction is
// framed so the amount and payee stand out; the outcome is one line.
import type { Writable } from 'node:stream';
import type { TerminalDisplay } from '../types.js';

export function streamDisplay(out: Writable): TerminalDisplay {
  return {
    status(text) {
      out.write(`${text}\n`);
    },
    showTransaction(v) {
      const lines: string[] = [];
      if (v.amount !== null) lines.push(`Amount:    ${v.amount}`);
      if (v.payee !== null) lines.push(`Payee:     ${v.payee}`);
      if (v.reference !== null) lines.push(`Reference: ${v.reference}`);
      if (v.amount === null) lines.push('Identify yourself with your ID card.');
      if (v.requestedAttributes.length > 0) {
        lines.push(`Shared with the requester: ${v.requestedAttributes.join(', ')}`);
        if (v.consentText !== null) lines.push(v.consentText);
      }
      const width = Math.max(...lines.map((l) => l.length));
      const rule = '-'.repeat(Math.min(width, 72));
      out.write(`${rule}\n${lines.join('\n')}\n${rule}\nTyping your PIN approves the above.\n`);
    },
    showOutcome(_o, message) {
      out.write(`${message}\n`);
    },
  };
}
