// Faults inside the card (STYLE.md: "handlers throw a status-word error; the
// dispatcher turns every failure into a status word and never dies"): an
// unexpected exception answers 6F00 and leaves the NVM as it was; a failed
// write to the card file leaves the card's state unchanged.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { VirtualCard } from '../../firmware-sim/index.js';
import { loadCardFile } from '../../firmware-sim/card/store.js';
import { mgmAuth, newCard, raw, send, verifyApdu } from './helpers.js';
import type { TestCard } from './helpers.js';

describe('firmware-sim internal faults', () => {
  let t: TestCard;
  beforeEach(async () => { t = await newCard(); });
  afterEach(() => t.cleanup());

  it('an unexpected exception in a handler answers 6F00, clears the session, and the card keeps working', async () => {
    const state = await loadCardFile(t.file);
    // A key whose stored form no longer parses (as if the NVM were damaged).
    state.keys['9a'] = { algorithm: 0x07, pinPolicy: 1, touchPolicy: 1, origin: 'imported', material: { kind: 'rsa', bits: 2048, pkcs8: new Uint8Array(40) } };
    const faults: Array<number | undefined> = [];
    const card = new VirtualCard(state, undefined, { onFault: (_e, ins) => faults.push(ins) }); // in memory only
    await raw(card, verifyApdu('123456'));
    const input = Buffer.concat([Buffer.from('7C820106820081820100', 'hex'), Buffer.alloc(256, 1)]);
    const ga = Buffer.concat([Buffer.from([0x00, 0x87, 0x07, 0x9a, 0x00, 0x01, 0x0a]), input, Buffer.from([0x00, 0x00])]);
    assert.equal((await raw(card, ga)).swHex, '6F00');
    assert.deepEqual(faults, [0x87], 'the fault was reported');
    assert.equal((await raw(card, '00200080')).swHex, '63C3', 'security state dropped after the fault');
    assert.equal((await send(card, '00A4040005A000000308')).swHex, '9000');
    assert.equal((await raw(card, verifyApdu('123456'))).swHex, '9000');
  });

  it('a failed write to the card file answers 6F00 and the change is not seen', async () => {
    assert.equal((await mgmAuth(t.card)).swHex, '9000');
    rmSync(t.dir, { recursive: true, force: true });
    assert.equal((await raw(t.card, '00DB3FFF095C035FC1025302AABB')).swHex, '6F00');
    assert.equal((await raw(t.card, '00CB3FFF055C035FC10200')).swHex, '6A82', 'the object was not stored');
    assert.equal((await raw(t.card, verifyApdu('000000'))).swHex, '6F00', 'the decrement could not be persisted');
    assert.equal((await raw(t.card, '00200080')).swHex, '63C3', 'so the counter is unchanged, as on disk');
  });
});
