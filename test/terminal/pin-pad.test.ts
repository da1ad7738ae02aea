// The terminal's PIN pads: the TTY pad (raw mode, digits only, one '*' per
// digit, backspace, Enter, Ctrl-C / Esc cancel, raw mode restored, input
// chunks zeroed) and the standard-input pad (one PIN per line, nothing
// echoed, end of input = no more PINs).
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { streamPinPad } from '../../src/pin-pad/stream-pin-pad.js';
import { ttyPinPad } from '../../src/pin-pad/tty-pin-pad.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _e: string, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

function fakeTty(): PassThrough & { isTTY: boolean; raw: boolean[]; setRawMode(on: boolean): void } {
  const s = new PassThrough() as PassThrough & { isTTY: boolean; raw: boolean[]; setRawMode(on: boolean): void };
  s.isTTY = true;
  s.raw = [];
  s.setRawMode = (on: boolean) => void s.raw.push(on);
  return s;
}

describe('terminal PIN pads', () => {
  it('TTY: echoes one * per digit, ignores letters, honours backspace, returns the digits on Enter, restores the terminal, zeroes the chunks', async () => {
    const input = fakeTty();
    const out = new Sink();
    const pending = ttyPinPad(input, out).readPin({ prompt: 'Enter your PIN', triesLeft: 3 });
    const chunks = [Buffer.from('48a'), Buffer.from('29x\x7f'), Buffer.from('915\r')];
    for (const c of chunks) input.write(c);
    const pin = await pending;
    assert.equal(Buffer.from(pin!).toString('ascii'), '482915');
    assert.equal(out.text, 'Enter your PIN (3 tries left): ****\b \b***\n');
    assert.deepEqual(input.raw, [true, false]);
    assert.ok(chunks.every((c) => c.every((b) => b === 0)), 'input chunks zeroed');
    assert.ok(!out.text.includes('48'));
  });

  it('TTY: Ctrl-C, Ctrl-D, Esc and hang-up cancel (null); at most 8 digits are kept', async () => {
    for (const cancel of ['\x03', '\x1b', '\x04']) {
      const input = fakeTty();
      const p = ttyPinPad(input, new Sink()).readPin({ prompt: 'PIN', triesLeft: undefined });
      input.write(Buffer.from(`12${cancel}`));
      assert.equal(await p, null);
      assert.deepEqual(input.raw, [true, false]);
    }
    const hungUp = fakeTty();
    const gone = ttyPinPad(hungUp, new Sink()).readPin({ prompt: 'PIN', triesLeft: 3 });
    hungUp.end(Buffer.from('12'));
    hungUp.resume();
    assert.equal(await gone, null, 'end of input (hang-up) cancels');
    assert.deepEqual(hungUp.raw, [true, false]);

    const input = fakeTty();
    const out = new Sink();
    const p = ttyPinPad(input, out).readPin({ prompt: 'PIN', triesLeft: 1 });
    input.write(Buffer.from('1234567890\n'));
    assert.equal(Buffer.from((await p)!).toString(), '12345678');
    assert.equal(out.text, 'PIN (1 try left): ********\n');
  });

  it('standard input: one PIN per line (CRLF too), prompts on the prompt stream only, null at end of input', async () => {
    const input = new PassThrough();
    const prompts = new Sink();
    const pad = streamPinPad(input, prompts);
    input.write('482915\r\n1111');
    input.write('11\n');
    input.end('777777');
    const read = async () => {
      const b = await pad.readPin({ prompt: 'Enter your PIN', triesLeft: 3 });
      return b === null ? null : Buffer.from(b).toString();
    };
    assert.equal(await read(), '482915');
    assert.equal(await read(), '111111');
    assert.equal(await read(), '777777');
    assert.equal(await read(), null);
    assert.equal(prompts.text, 'Enter your PIN (from standard input)\n'.repeat(4));
  });

  it('an aborted entry (card pulled out) answers null at once, on both pads', async () => {
    const ac = new AbortController();
    const tty = fakeTty();
    const p1 = ttyPinPad(tty, new Sink()).readPin({ prompt: 'PIN', triesLeft: 3, signal: ac.signal });
    tty.write(Buffer.from('48'));
    const p2 = streamPinPad(new PassThrough(), new Sink()).readPin({ prompt: 'PIN', triesLeft: 3, signal: ac.signal });
    setImmediate(() => ac.abort());
    assert.deepEqual(await Promise.all([p1, p2]), [null, null]);
    assert.deepEqual(tty.raw, [true, false]);
  });

  it('standard input: waits for a line that has not arrived yet', async () => {
    const input = new PassThrough();
    const pad = streamPinPad(input, new Sink());
    const p = pad.readPin({ prompt: 'PIN', triesLeft: undefined });
    setImmediate(() => input.write('123456\n'));
    assert.equal(Buffer.from((await p)!).toString(), '123456');
  });
});
