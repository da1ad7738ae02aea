// GET DATA / PUT DATA (SP 800-73-4 Part 2 §3.1.2, §3.3.1) with the access rules
// of Part 1 Table 3, Le handling and response chaining (ISO 7816-4 §7.6.1).
import assert from 'node:assert/strict';
import { mgmAuth, newCard, raw, send, sendChained, toHex, verifyApdu } from './helpers.js';
import type { TestCard } from './helpers.js';

const getData = (tag: string) => `00CB3FFF${(tag.length / 2 + 2).toString(16).padStart(2, '0')}5C${(tag.length / 2).toString(16).padStart(2, '0')}${tag}00`;
function putData(tag: string, content: Buffer): Buffer {
  const len = content.length;
  const l = len < 0x80 ? [len] : len < 0x100 ? [0x81, len] : [0x82, len >> 8, len & 0xff];
  return Buffer.concat([Buffer.from('5C03' + tag, 'hex'), Buffer.from([0x53, ...l]), content]);
}

describe('firmware-sim GET DATA / PUT DATA', () => {
  let t: TestCard;
  beforeEach(async () => { t = await newCard(); });
  afterEach(() => t.cleanup());

  it('PIN-protected objects answer 6982 before existence, 6A82 after VERIFY when absent', async () => {
    for (const tag of ['5FC103', '5FC108', '5FC109', '5FC121']) assert.equal((await raw(t.card, getData(tag))).swHex, '6982', tag);
    await send(t.card, verifyApdu('123456'));
    for (const tag of ['5FC103', '5FC108', '5FC109', '5FC121']) assert.equal((await raw(t.card, getData(tag))).swHex, '6A82', tag);
  });

  it('missing object → 6A82, bad P1P2 → 6A86, bad tag list → 6A80', async () => {
    assert.equal((await raw(t.card, getData('5FC102'))).swHex, '6A82');
    assert.equal((await raw(t.card, getData('7F61'))).swHex, '6A82');
    assert.equal((await raw(t.card, '00CB3FFE055C035FC10200')).swHex, '6A86');
    assert.equal((await raw(t.card, '00CB3FFF055D035FC10200')).swHex, '6A80');
    assert.equal((await raw(t.card, '00CB3FFF045C035FC100')).swHex, '6A80');
    assert.equal((await raw(t.card, '00CB3FFF025C0000')).swHex, '6A80');
  });

  it('PUT DATA needs the management key (6982), then stores; 53 00 deletes', async () => {
    const chuid = Buffer.from('3019D4E739DA739CED39CE739D836858210842108421C84210C3EB341000112233445566778899AABBCCDDEEFF350832303330303130313E00FE00', 'hex');
    assert.equal((await raw(t.card, Buffer.concat([Buffer.from([0, 0xdb, 0x3f, 0xff, putData('5FC102', chuid).length]), putData('5FC102', chuid)]))).swHex, '6982');
    assert.equal((await mgmAuth(t.card)).swHex, '9000');
    const body = putData('5FC102', chuid);
    assert.equal((await raw(t.card, Buffer.concat([Buffer.from([0, 0xdb, 0x3f, 0xff, body.length]), body]))).swHex, '9000');
    const r = await send(t.card, getData('5FC102'));
    assert.equal(r.swHex, '9000');
    assert.equal(toHex(r.data), '533B' + chuid.toString('hex').toUpperCase());
    assert.equal((await raw(t.card, '00DB3FFF075C035FC1025300')).swHex, '9000');
    assert.equal((await raw(t.card, getData('5FC102'))).swHex, '6A82');
    assert.equal((await raw(t.card, '00DB3FFF075C035FC2025300')).swHex, '6A80', 'unknown tag');
    assert.equal((await raw(t.card, '00DB3FFE075C035FC1025300')).swHex, '6A86');
    assert.equal((await raw(t.card, '00DB3FFF055C035FC102')).swHex, '6A80', 'no 53');
  });

  it('stores up to 3063 bytes (command chaining in, 61xx chaining out) and refuses 3064 with 6A84', async () => {
    await mgmAuth(t.card);
    const big = Buffer.alloc(3063, 0xab);
    assert.equal((await sendChained(t.card, [0, 0xdb, 0x3f, 0xff], putData('5FC105', big))).swHex, '9000');
    const first = await raw(t.card, getData('5FC105'));
    assert.equal(first.swHex, '6100', 'more than 256 bytes remain');
    assert.equal(first.data.length, 256);
    const all = await send(t.card, getData('5FC105'));
    assert.equal(all.swHex, '9000');
    assert.equal(all.data.length, 4 + 3063);
    assert.equal((await sendChained(t.card, [0, 0xdb, 0x3f, 0xff], putData('5FC105', Buffer.alloc(3064, 1)))).swHex, '6A84');
  });

  it('honours Le: 8-byte probe, then the exact length', async () => {
    const probe = await raw(t.card, '00CB3FFF035C017E08');
    assert.equal(probe.data.length, 8);
    assert.equal(probe.swHex, '610C');
    const exact = await raw(t.card, '00CB3FFF035C017E14');
    assert.equal(exact.swHex, '9000');
    assert.equal(exact.data.length, 20);
  });

  it('GET RESPONSE with nothing pending → 6985; any other command drops pending data', async () => {
    assert.equal((await raw(t.card, '00C0000000')).swHex, '6985');
    await raw(t.card, '00CB3FFF035C017E08');
    await raw(t.card, '00FD000003');
    assert.equal((await raw(t.card, '00C0000000')).swHex, '6985');
    await raw(t.card, '00CB3FFF035C017E08');
    assert.equal((await raw(t.card, '00C0010000')).swHex, '6A86');
    const rest = await raw(t.card, '00C000000C');
    assert.equal(rest.swHex, '9000');
    assert.equal(toHex(rest.data), '080000100001005F2F024000');
  });

  it('writes and reads the discovery object without the 53 wrapper', async () => {
    await mgmAuth(t.card);
    const disc = '7E124F0BA0000003080000100001005F2F026000';
    assert.equal((await raw(t.card, `00DB3FFF14${disc}`)).swHex, '9000');
    assert.equal(toHex((await send(t.card, '00CB3FFF035C017E00')).data), disc);
  });
});
