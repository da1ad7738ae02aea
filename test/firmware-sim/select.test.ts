// SELECT (SP 800-73-4 Part 2 §3.1.1) and the probes of other drivers
// (docs/piv-wire.md, "Selection").
import assert from 'node:assert/strict';
import { SELECT_PIV, newCard, raw, send, toHex, verifyApdu } from './helpers.js';
import type { TestCard } from './helpers.js';

describe('firmware-sim SELECT', () => {
  let t: TestCard;
  beforeEach(async () => { t = await newCard(); });
  afterEach(() => t.cleanup());

  it('answers the application property template, without an AC tag', async () => {
    const r = await send(t.card, SELECT_PIV);
    assert.equal(r.swHex, '9000');
    assert.equal(toHex(r.data), '61114F0600001000010079074F05A000000308');
    const full = await send(t.card, '00A404000BA000000308000010000100');
    assert.equal(full.swHex, '9000');
  });

  it('answers 6A82 to the probes of other drivers and keeps PIV selected with its state', async () => {
    assert.equal((await send(t.card, verifyApdu('123456'))).swHex, '9000');
    for (const probe of ['00A4040007627601FF000000', '00A4040006A00000000101', '00A404000BE82B0601040181C31F020100', '00A4040C0FD23300000045737445494420763335']) {
      assert.equal((await raw(t.card, probe)).swHex, '6A82', probe);
    }
    assert.notEqual((await raw(t.card, '00CADF3005')).sw, 0x9000);
    assert.equal((await raw(t.card, '0020008000')).swHex, '9000', 'PIN state survives the probes');
    assert.equal((await raw(t.card, 'FFA4040005A000000308')).swHex, '6E00');
  });

  it('P1 other than 04 → 6A86; too short an AID → 6A82', async () => {
    assert.equal((await raw(t.card, '00A4000002 3F00'.replace(' ', ''))).swHex, '6A86');
    assert.equal((await raw(t.card, '00A4040004A0000003')).swHex, '6A82');
  });

  it('selecting the Yubico management AID drops the PIN state; PIV commands need PIV selected', async () => {
    await send(t.card, verifyApdu('123456'));
    assert.equal((await raw(t.card, '00A4040008A000000527471117')).swHex, '9000');
    assert.equal((await raw(t.card, '00FD000003')).swHex, '6D00');
    await send(t.card, SELECT_PIV);
    assert.equal((await raw(t.card, '0020008000')).swHex, '63C3');
  });

  it('PIV is selected by default at power-on and answers the discovery object', async () => {
    t.card.powerOff();
    t.card.powerOn();
    const r = await raw(t.card, '00CB3FFF035C017E00');
    assert.equal(r.swHex, '9000');
    assert.equal(toHex(r.data), '7E124F0BA0000003080000100001005F2F024000');
  });
});
