// A Writable that keeps what is written to it, one string per write (log sinks in tests).
import { Writable } from 'node:stream';

export function capture(): { lines: string[]; sink: Writable } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, sink };
}
