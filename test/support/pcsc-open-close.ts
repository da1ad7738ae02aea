// Child program for test/e2e/pcsc-close-stress.test.ts: open and close the
// PC/SC reader set `cycles` times, closing after a random 0–20 ms, while the
// parent keeps the CPU busy. Prints "done <cycles>" at the end; a hang in the
// binding's close() shows as no line before the parent's deadline.
import { PcscReaders } from '../../src/card/pcsc/index.js';

const cycles = Number(process.argv[2] ?? 100);
for (let i = 0; i < cycles; i++) {
  const readers = await PcscReaders.open();
  await new Promise((r) => setTimeout(r, Math.random() * 20));
  await readers.close();
}
process.stdout.write(`done ${cycles}\n`);
