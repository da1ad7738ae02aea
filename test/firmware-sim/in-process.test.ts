// The in-process transport: a reader slot in the host process with the same
// insert / remove / reset / transmit behaviour as a PC/SC reader.
import assert from 'node:assert/strict';
import { InProcessReader, NoCardError } from '../../firmware-sim/index.js';
import type { SlotEvent } from '../../firmware-sim/index.js';
import { newCard, toHex, verifyApdu, hex } from './helpers.js';
import type { TestCard } from './helpers.js';

describe('firmware-sim in-process reader', () => {
  let t: TestCard;
  beforeEach(async () => { t = await newCard(); });
  afterEach(() => t.cleanup());

  it('insert, transmit, reset, remove, with events; no card → NoCardError', async () => {
    const reader = new InProcessReader('test reader');
    const events: SlotEvent['type'][] = [];
    reader.on((e) => events.push(e.type));
    assert.throws(() => reader.atr(), NoCardError);
    await assert.rejects(async () => reader.transmit(hex('00A4040005A000000308')), NoCardError);
    reader.insert(t.card);
    assert.equal(toHex(reader.atr()), '3BFD1300008131FE158073C021C057597562694B657940');
    assert.equal(toHex(await reader.transmit(hex(verifyApdu('123456')))), '9000');
    assert.equal(toHex(await reader.transmit(hex('00200080'))), '9000');
    reader.reset();
    assert.equal(toHex(await reader.transmit(hex('00200080'))), '63C3', 'reset clears the PIN state');
    await reader.transmit(hex(verifyApdu('123456')));
    reader.remove();
    assert.equal(reader.card, undefined);
    assert.throws(() => reader.reset(), NoCardError);
    reader.insert(t.card);
    assert.equal(toHex(await reader.transmit(hex('00200080'))), '63C3', 'removal (power loss) clears the PIN state');
    assert.deepEqual(events, ['inserted', 'removed', 'inserted']);
  });
});
