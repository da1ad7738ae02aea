// Robustness against bad input: no APDU, however malformed — wrong lengths,
// truncated TLVs, bogus chains, out-of-order GET RESPONSE, random bytes —
// crashes the card or corrupts its state. 100,000+ random and mutated APDUs go
// to one card; every answer must be a well-formed R-APDU with a status word
// from the card's table (never 6F00, the "internal fault" answer), no answer
// may carry secret bytes, and afterwards the card file loads and the card
// still selects, verifies, generates and signs (signature checked by node:crypto).
// The generator is seeded: FUZZ_SEED=<n> replays a run.
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { VirtualCard } from '../../firmware-sim/index.js';
import { loadCardFile } from '../../firmware-sim/card/store.js';
import { DEFAULT_MGM, newCard, pinBlock, raw, send } from './helpers.js';
import type { TestCard } from './helpers.js';

const TOTAL = 100_000;

/** xorshift128+ — fast, seedable, good enough to drive a fuzzer. */
function prng(seed: number) {
  let s0 = BigInt(seed) | 1n;
  let s1 = BigInt(seed) * 0x9e3779b97f4a7c15n & 0xffffffffffffffffn | 2n;
  const next = (): number => {
    let x = s0;
    const y = s1;
    s0 = y;
    x ^= (x << 23n) & 0xffffffffffffffffn;
    s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return Number((s1 + y) & 0xffffffffn);
  };
  return {
    int: (n: number) => next() % n,
    bytes: (n: number) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = next() & 0xff;
      return out;
    },
  };
}

const ALLOWED = new Set([0x9000, 0x6700, 0x6982, 0x6983, 0x6985, 0x6a80, 0x6a82, 0x6a84, 0x6a86, 0x6a88, 0x6b00, 0x6d00, 0x6e00]);
function swAllowed(sw: number): boolean {
  return ALLOWED.has(sw) || (sw >> 8) === 0x61 || (sw & 0xfff0) === 0x63c0;
}

const hx = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');

/** Well-formed commands of every kind the card knows, as seeds for mutation. */
function templates(): Buffer[] {
  const digest = createHash('sha256').update('fuzz').digest('hex');
  return [
    '00A4040005A000000308', '00A404000BA00000030800001000010000', '00A4040008A000000527471117', '00A4040007627601FF000000',
    '00CB3FFF035C017E08', '00CB3FFF035C017E00', '00CB3FFF055C035FC10200', '00CB3FFF055C035FC10500', '00CB3FFF055C035FC10900',
    '00CB3FFF055C035FFF0100', '00CB3FFF045C027F6100', '00CADF3005',
    '00DB3FFF095C035FC1025302AABB', '00DB3FFF075C035FC10D5300', '00DB3FFF147E124F0BA0000003080000100001005F2F024000',
    `0020008008${pinBlock('123456')}`, `0020008008${pinBlock('000000')}`, '00200080', '0020FF80', `0020008108${pinBlock('12345678')}`,
    `0024008010${pinBlock('123456')}${pinBlock('123456')}`, `0024008110${pinBlock('12345678')}${pinBlock('12345678')}`,
    `002C008010${pinBlock('12345678')}${pinBlock('123456')}`,
    `0087119A267C24820081 20${digest}00`, `0087119C267C24820081 20${digest}00`, `0087149E267C24820081 20${digest}00`,
    `0087119D477C4582008541 04${'11'.repeat(64)}`,
    '0087039B047C028000', '0087039B047C028100', '0087009B047C02810000', `0087039B167C14 8008${'00'.repeat(8)} 8108${'00'.repeat(8)}`,
    `0087039B0C7C0A8208${'00'.repeat(8)}`, `0087079A08 7C06 8200 8182 0100`,
    '0047009A05AC03800111', '0047009C08AC06800114AA0103', '0047009E0BAC09800111AA0101AB0102', '0047008205AC03800111',
    '00FD000000', '00F8000000', '00F7008000', '00F7008100', '00F7009B00', '00F7009A00', '00F700F900',
    '00F99A0000', '00F99C0000', '00F99E0000',
    '00FA0303', '00FB0000', `00FE119D2206 20${'42'.repeat(32)}`,
    `00FFFFFF1B039B18${DEFAULT_MGM.toString('hex')}`,
    '00C0000000', '00C0000008',
    `10DB3FFF095C035FC1025302AABB`, `10870799FF${'7C'.repeat(255)}`,
    '00CB3FFF00000A5C035FC1050000', '00CB3FFF000000',
  ].map(hx);
}

function mutate(r: ReturnType<typeof prng>, base: Buffer): Buffer {
  const b = Buffer.from(base);
  switch (r.int(12)) {
    case 0: { if (b.length) { const i = r.int(b.length); b[i] = b[i]! ^ (1 << r.int(8)); } return b; }
    case 1: if (b.length) b[r.int(b.length)] = r.int(256); return b;
    case 2: return b.subarray(0, r.int(b.length + 1));
    case 3: return Buffer.concat([b, r.bytes(1 + r.int(20))]);
    case 4: if (b.length > 4) b[4] = r.int(256); return b; // wrong Lc
    case 5: b[0] = [0x00, 0x10, 0x0c, 0x80, 0xff, r.int(256)][r.int(6)]!; return b; // CLA
    case 6: { const i = r.int(b.length + 1); return Buffer.concat([b.subarray(0, i), r.bytes(1), b.subarray(i)]); }
    case 7: { if (!b.length) return b; const i = r.int(b.length); return Buffer.concat([b.subarray(0, i), b.subarray(i + 1)]); }
    case 8: if (b.length > 2) { b[2] = r.int(256); b[3] = r.int(256); } return b; // P1P2
    case 9: return Buffer.from(r.bytes(r.int(300))); // random garbage
    case 10: { // extended-length re-encoding
      if (b.length < 6) return b;
      const data = b.subarray(5, 5 + b[4]!);
      return Buffer.concat([b.subarray(0, 4), Buffer.from([0, data.length >> 8, data.length & 0xff]), data, Buffer.from([0, r.int(2)])]);
    }
    default: if (b.length > 5) { for (let k = 0; k < 3; k++) b[5 + r.int(b.length - 5)] = r.int(256); } return b; // TLV body
  }
}

function ecb(key: Buffer, block: Uint8Array, decrypt: boolean): Buffer {
  const c = decrypt ? createDecipheriv('des-ede3', key, null) : createCipheriv('des-ede3', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

describe('firmware-sim fuzz: 100,000 random and mutated APDUs against one card', function () {
  this.timeout(300_000);
  let t: TestCard;
  before(async () => { t = await newCard(); });
  after(() => t.cleanup());

  it('never crashes, always answers a valid status word, leaks nothing, and still works afterwards', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? randomBytes(4).readUInt32BE(0));
    const r = prng(seed);
    const card = t.card;
    const before = await loadCardFile(t.file);
    const f9 = before.keys['f9']!.material;
    assert.ok(f9.kind === 'ec');
    const secrets = [Buffer.from(f9.d), Buffer.from(before.pin.hash), Buffer.from(before.puk.hash)];
    const seeds = templates();
    const counts = new Map<number, number>();
    const started = Date.now();
    for (let i = 0; i < TOTAL; i++) {
      let apdu: Buffer;
      const pick = r.int(100);
      if (pick < 3) {
        // A correct management-key authentication opens the write paths for mutation.
        const w = await raw(card, '0087039B047C028000');
        if (w.sw === 0x9000 && w.data.length === 12) {
          const wit = ecb(DEFAULT_MGM, w.data.subarray(4), true);
          apdu = Buffer.concat([hx('0087039B167C148008'), wit, hx('8108'), Buffer.alloc(8, 1)]);
        } else apdu = seeds[r.int(seeds.length)]!;
      } else if (pick < 20) apdu = seeds[r.int(seeds.length)]!;
      else apdu = mutate(r, seeds[r.int(seeds.length)]!);
      let resp: Uint8Array;
      try {
        resp = await card.transmit(apdu);
      } catch (e) {
        assert.fail(`seed ${seed} apdu #${i} ${apdu.toString('hex')}: transmit threw ${String(e)}`);
      }
      assert.ok(resp.length >= 2, `seed ${seed} apdu #${i}: short response`);
      const sw = (resp[resp.length - 2]! << 8) | resp[resp.length - 1]!;
      if (!swAllowed(sw)) assert.fail(`seed ${seed} apdu #${i} ${apdu.toString('hex')}: status ${sw.toString(16)}`);
      counts.set(sw >> 8, (counts.get(sw >> 8) ?? 0) + 1);
      if (resp.length > 34) {
        const rb = Buffer.from(resp);
        for (const s of secrets) assert.equal(rb.indexOf(s), -1, `seed ${seed} apdu #${i}: secret bytes in a response`);
      }
    }
    const elapsed = Date.now() - started;
    process.stdout.write(`      fuzz: seed=${seed} ${TOTAL} APDUs in ${elapsed} ms; SW1 histogram ${JSON.stringify(Object.fromEntries([...counts].map(([k, v]) => [k.toString(16), v])))}\n`);
    assert.ok((counts.get(0x90) ?? 0) > 1000, 'the fuzzer reached the success paths');

    // The file still loads, and both the live card and a reopened copy work.
    await card.idle();
    await loadCardFile(t.file);
    for (const c of [card, await VirtualCard.open(t.file)]) await stillWorks(c, seed);
  });
});

/** Block PIN and PUK whatever they now are, then RESET: the one way back to known credentials. */
async function factoryReset(card: VirtualCard, seed: number): Promise<void> {
  for (let k = 0; k < 300 && (await raw(card, `0020008008${pinBlock('000009')}`)).sw !== 0x6983; k++);
  for (let k = 0; k < 300 && (await raw(card, `002C008010${pinBlock('99999999')}${pinBlock('123456')}`)).sw !== 0x6983; k++);
  assert.equal((await raw(card, '00FB0000')).swHex, '9000', `seed ${seed}: RESET`);
}

async function mgmAuthDefault(card: VirtualCard): Promise<boolean> {
  const w = await raw(card, '0087039B047C028000');
  if (w.sw !== 0x9000 || w.data.length !== 12) return false;
  const wit = ecb(DEFAULT_MGM, w.data.subarray(4), true);
  return (await raw(card, Buffer.concat([hx('0087039B167C148008'), wit, hx('8108'), Buffer.alloc(8, 1)]))).sw === 0x9000;
}

/** SELECT, get back to known credentials, VERIFY, management key, GENERATE, sign, check the signature. */
async function stillWorks(card: VirtualCard, seed: number): Promise<void> {
  card.reset();
  assert.equal((await send(card, '00A4040005A000000308')).swHex, '9000', `seed ${seed}: SELECT`);
  // The fuzzer may have changed the PIN (a mutated CHANGE REFERENCE DATA) or the
  // management key; only then is the reset path taken.
  if ((await raw(card, `0020008008${pinBlock('123456')}`)).sw !== 0x9000 || !(await mgmAuthDefault(card))) {
    await factoryReset(card, seed);
    assert.equal((await raw(card, `0020008008${pinBlock('123456')}`)).swHex, '9000', `seed ${seed}: VERIFY`);
    assert.ok(await mgmAuthDefault(card), `seed ${seed}: management key`);
  }
  const gen = await send(card, '0047009A08AC06800111AA0102');
  assert.equal(gen.swHex, '9000', `seed ${seed}: GENERATE`);
  const point = Buffer.from(gen.data.subarray(5));
  const pub = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, format: 'jwk' });
  assert.equal((await raw(card, `0020008008${pinBlock('123456')}`)).swHex, '9000');
  const data = randomBytes(50);
  const digest = createHash('sha256').update(data).digest();
  const sig = await send(card, Buffer.concat([hx('0087119A267C2482008120'), digest, hx('00')]));
  assert.equal(sig.swHex, '9000', `seed ${seed}: GENERAL AUTHENTICATE`);
  assert.ok(verify('sha256', data, pub, sig.data.subarray(4)), `seed ${seed}: signature verifies`);
}
