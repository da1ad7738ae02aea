// VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER (SP 800-73-4 Part 2
// §3.2.1–§3.2.3): counters, blocking, and the security-state rules of docs/piv-wire.md.
import assert from 'node:assert/strict';
import { VirtualCard } from '../../firmware-sim/index.js';
import { SELECT_PIV, newCard, pinBlock, raw, send, verifyApdu } from './helpers.js';
import type { TestCard } from './helpers.js';

const crd = (p2: string, oldV: string, newV: string) => `002400${p2}10${pinBlock(oldV)}${pinBlock(newV)}`;
const rrc = (puk: string, pin: string) => `002C008010${pinBlock(puk)}${pinBlock(pin)}`;

describe('firmware-sim PIN and PUK', () => {
  let t: TestCard;
  beforeEach(async () => { t = await newCard(); });
  afterEach(() => t.cleanup());

  it('VERIFY: status query, success, logout', async () => {
    assert.equal((await raw(t.card, '00200080')).swHex, '63C3');
    assert.equal((await raw(t.card, '0020008000')).swHex, '63C3');
    assert.equal((await raw(t.card, verifyApdu('123456'))).swHex, '9000');
    assert.equal((await raw(t.card, '00200080')).swHex, '9000');
    assert.equal((await raw(t.card, '0020FF80')).swHex, '9000');
    assert.equal((await raw(t.card, '00200080')).swHex, '63C3');
  });

  it('VERIFY errors: P2 81 → 6A88, P1 → 6A86, Lc ≠ 8 → 6A80 without touching the counter', async () => {
    assert.equal((await raw(t.card, `0020008108${pinBlock('12345678')}`)).swHex, '6A88');
    assert.equal((await raw(t.card, `0020018008${pinBlock('123456')}`)).swHex, '6A86');
    assert.equal((await raw(t.card, '0020008006313233343536')).swHex, '6A80');
    assert.equal((await raw(t.card, '00200080')).swHex, '63C3');
  });

  it('three wrong PINs block (63C2, 63C1, 6983); the right PIN then also gets 6983', async () => {
    assert.equal((await raw(t.card, verifyApdu('000000'))).swHex, '63C2');
    assert.equal((await raw(t.card, verifyApdu('000000'))).swHex, '63C1');
    assert.equal((await raw(t.card, verifyApdu('000000'))).swHex, '6983');
    assert.equal((await raw(t.card, verifyApdu('123456'))).swHex, '6983');
    assert.equal((await raw(t.card, '00200080')).swHex, '6983');
  });

  it('a wrong PIN clears the verified state; a right one restores the counter', async () => {
    await raw(t.card, verifyApdu('123456'));
    assert.equal((await raw(t.card, verifyApdu('999999'))).swHex, '63C2');
    assert.equal((await raw(t.card, '00200080')).swHex, '63C2');
    assert.equal((await raw(t.card, verifyApdu('123456'))).swHex, '9000');
    assert.equal((await raw(t.card, '00200080')).swHex, '9000');
    await raw(t.card, '0020FF80');
    assert.equal((await raw(t.card, '00200080')).swHex, '63C3');
  });

  it('CHANGE REFERENCE DATA for PIN and PUK, with its errors', async () => {
    assert.equal((await raw(t.card, crd('80', '000000', '654321'))).swHex, '63C2');
    assert.equal((await raw(t.card, crd('80', '123456', '654321'))).swHex, '9000');
    assert.equal((await raw(t.card, verifyApdu('123456'))).swHex, '63C2');
    assert.equal((await raw(t.card, verifyApdu('654321'))).swHex, '9000');
    assert.equal((await raw(t.card, crd('80', '654321', '12ab56'))).swHex, '6A80', 'PIN must be digits');
    assert.equal((await raw(t.card, crd('80', '654321', '12345'))).swHex, '6A80', 'PIN too short');
    assert.equal((await raw(t.card, crd('81', '12345678', 'abcdefgh'))).swHex, '9000', 'PUK may be any bytes');
    assert.equal((await raw(t.card, crd('82', '12345678', '87654321'))).swHex, '6A88');
    assert.equal((await raw(t.card, crd('80', '654321', '111111').replace('002400', '002401'))).swHex, '6A86');
    assert.equal((await raw(t.card, '00240080083132333435363738')).swHex, '6A80');
  });

  it('RESET RETRY COUNTER: PUK unblocks the PIN; three wrong PUKs block for good', async () => {
    for (let i = 0; i < 3; i++) await raw(t.card, verifyApdu('000000'));
    assert.equal((await raw(t.card, rrc('12345678', '222222'))).swHex, '9000');
    assert.equal((await raw(t.card, verifyApdu('222222'))).swHex, '9000');
    for (let i = 0; i < 3; i++) await raw(t.card, verifyApdu('000000'));
    assert.equal((await raw(t.card, rrc('00000000', '333333'))).swHex, '63C2');
    assert.equal((await raw(t.card, rrc('00000000', '333333'))).swHex, '63C1');
    assert.equal((await raw(t.card, rrc('00000000', '333333'))).swHex, '6983');
    assert.equal((await raw(t.card, rrc('12345678', '333333'))).swHex, '6983');
    assert.equal((await raw(t.card, crd('81', '12345678', '11111111'))).swHex, '6983');
    assert.equal((await raw(t.card, '002C0080083131313131313131')).swHex, '6A80', 'Lc 8 instead of 16');
    assert.equal((await raw(t.card, rrc('12345678', '333333').replace('002C0080', '002C0081'))).swHex, '6A88');
  });

  it('counters persist across reopen; the verified state does not survive power-off or reset', async () => {
    await raw(t.card, verifyApdu('000000'));
    const again = await VirtualCard.open(t.file);
    assert.equal((await raw(again, '00200080')).swHex, '63C2');
    await raw(t.card, verifyApdu('123456'));
    t.card.powerOff();
    t.card.powerOn();
    assert.equal((await raw(t.card, '00200080')).swHex, '63C3');
    await raw(t.card, verifyApdu('123456'));
    t.card.reset();
    assert.equal((await raw(t.card, '00200080')).swHex, '63C3');
    t.card.powerOff();
    await assert.rejects(t.card.transmit(Buffer.from(SELECT_PIV, 'hex')), /not powered/);
    t.card.powerOn();
    assert.equal((await send(t.card, SELECT_PIV)).swHex, '9000');
  });
});
