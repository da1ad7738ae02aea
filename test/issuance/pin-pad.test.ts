// The station PIN pads: on a terminal nothing is echoed, a new PIN is typed
// twice, backspace edits, Ctrl-C abandons; from a pipe, one PIN per line.
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { stationPinPadFor, stationStreamPinPad as streamPinPad, stationTtyPinPad as ttyPinPad } from '../../src/issuance/pin-pad/station-pin-pad.js';

function fakeTty(): PassThrough & { isTTY: boolean; raw: boolean[]; setRawMode(on: boolean): void } {
  const s = new PassThrough() as PassThrough & { isTTY: boolean; raw: boolean[]; setRawMode(on: boolean): void };
  s.isTTY = true;
  s.raw = [];
  s.setRawMode = (on) => void s.raw.push(on);
  return s;
}
function sink(): PassThrough & { text(): string } {
  const s = new PassThrough() as PassThrough & { text(): string };
  let t = '';
  s.on('data', (d) => (t += d));
  s.text = () => t;
  return s;
}
const type = (s: PassThrough, keys: string, delay = 5) => setTimeout(() => s.write(Buffer.from(keys, 'latin1')), delay);

describe('issuance: station PIN pads', () => {
  it('TTY: raw mode, no echo, asked twice; a mismatch asks again; backspace edits', async () => {
    const input = fakeTty();
    const out = sink();
    const pad = ttyPinPad(input, out);
    const p = pad.readNewPin({ attempt: 1 });
    type(input, '250871\r');
    type(input, '250870\r', 20);
    type(input, '25087X\x7f1\r', 40);
    type(input, '250871\r', 60);
    const pin = await p;
    assert.equal(Buffer.from(pin).toString(), '250871');
    assert.doesNotMatch(out.text(), /2508/);
    assert.match(out.text(), /differ/);
    assert.deepEqual(input.raw.filter((x) => x).length, input.raw.filter((x) => !x).length, 'raw mode is always switched off again');
  });

  it('TTY: Ctrl-C abandons the entry with issuance_pin_entry_failed', async () => {
    const input = fakeTty();
    const pad = ttyPinPad(input, sink());
    const p = pad.readPin({ purpose: 'activate' });
    type(input, '12\x03');
    await assert.rejects(p, (e: unknown) => (e as { code?: string }).code === 'issuance_pin_entry_failed');
  });

  it('pipe: one PIN per line (CRLF tolerated); end of input is an error, not an empty PIN', async () => {
    const pad = streamPinPad(Readable.from([Buffer.from('250871\r\n3141'), Buffer.from('59\n')]), sink());
    assert.equal(Buffer.from(await pad.readNewPin({ attempt: 1 })).toString(), '250871');
    assert.equal(Buffer.from(await pad.readPin({ purpose: 'x' })).toString(), '314159');
    await assert.rejects(pad.readPin({ purpose: 'x' }), (e: unknown) => (e as { code?: string }).code === 'issuance_pin_entry_failed');
  });

  it('chooses the TTY pad for a terminal and the line pad for a pipe', async () => {
    const tty = fakeTty();
    const p = stationPinPadFor(tty, sink()).readPin({ purpose: 'x' });
    type(tty, '123\r');
    assert.equal(Buffer.from(await p).toString(), '123');
    assert.equal(tty.raw[0], true);
    const pipe = stationPinPadFor(Readable.from([Buffer.from('999999\n')]), sink());
    assert.equal(Buffer.from(await pipe.readPin({ purpose: 'x' })).toString(), '999999');
  });
});
