// Lines from a readable stream, one at a time, as a script would feed a PIN
// pad on standard input. Bytes are kept in Buffers (zeroed once handed out)
// rather than strings, so the PIN is not left in immutable memory by us.
import type { Readable } from 'node:stream';
import { issuanceError } from '../codes.js';

const MAX_LINE = 64;

export class LineReader {
  #buffer = Buffer.alloc(0);
  #ended = false;
  #waiters: Array<() => void> = [];

  constructor(private readonly stream: Readable) {
    stream.on('data', (chunk: Buffer | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const next = Buffer.concat([this.#buffer, b]);
      this.#buffer.fill(0);
      b.fill(0);
      this.#buffer = next;
      this.#wake();
    });
    stream.on('end', () => {
      this.#ended = true;
      this.#wake();
    });
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  /** The next line without its end-of-line, as bytes. Throws issuance_pin_entry_failed at end of input. */
  async readLine(): Promise<Uint8Array> {
    for (;;) {
      const nl = this.#buffer.indexOf(0x0a);
      if (nl >= 0 || (this.#ended && this.#buffer.length > 0)) {
        const end = nl >= 0 ? nl : this.#buffer.length;
        let lineEnd = end;
        if (lineEnd > 0 && this.#buffer[lineEnd - 1] === 0x0d) lineEnd--;
        const line = Uint8Array.from(this.#buffer.subarray(0, lineEnd));
        const rest = Buffer.from(this.#buffer.subarray(Math.min(end + 1, this.#buffer.length)));
        this.#buffer.fill(0);
        this.#buffer = rest;
        if (line.length > MAX_LINE) {
          line.fill(0);
          throw issuanceError('issuance_pin_entry_failed', 'PIN input line too long');
        }
        return line;
      }
      if (this.#ended) throw issuanceError('issuance_pin_entry_failed', 'Standard input ended before a PIN was entered');
      if (this.#buffer.length > 4 * MAX_LINE) throw issuanceError('issuance_pin_entry_failed', 'PIN input line too long');
      this.stream.resume();
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }
}
