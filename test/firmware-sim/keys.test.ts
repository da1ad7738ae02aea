// GENERATE ASYMMETRIC KEY PAIR (SP 800-73-4 Part 2 §3.3.2) and GENERAL
// AUTHENTICATE (§3.2.4): ECDSA P-256/P-384 over a host digest, ECDH, raw RSA,
// the PIN policies (Yubico: NEVER/ONCE/ALWAYS), checked with node:crypto.
import assert from 'node:assert/strict';
import { createECDH, createHash, randomBytes, verify, constants } from 'node:crypto';
import { p384 } from '@noble/curves/nist.js';
import { mgmAuth, newCard, raw, send, sendChained, verifyApdu } from './helpers.js';
import { generate, publicKeyOf } from './key-helpers.js';
import type { TestCard } from './helpers.js';

const h = (n: number) => n.toString(16).padStart(2, '0').toUpperCase();

function gaSign(slot: number, alg: number, digest: Buffer): string {
  const inner = Buffer.concat([Buffer.from([0x82, 0x00, 0x81, digest.length]), digest]);
  const tpl = Buffer.concat([Buffer.from([0x7c, inner.length]), inner]);
  return `0087${h(alg)}${h(slot)}${h(tpl.length)}${tpl.toString('hex')}00`;
}

function gaRsa(input: Buffer): Buffer {
  const inner = Buffer.concat([Buffer.from([0x82, 0x00, 0x81, 0x82, input.length >> 8, input.length & 0xff]), input]);
  return Buffer.concat([Buffer.from([0x7c, 0x82, inner.length >> 8, inner.length & 0xff]), inner]);
}

/** PKCS#1 v1.5 type 1 padding of a SHA-256 DigestInfo (RFC 8017 §9.2), as a host would apply. */
function pkcs1Sha256(data: Buffer, size: number): Buffer {
  const di = Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), createHash('sha256').update(data).digest()]);
  return Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(size - di.length - 3, 0xff), Buffer.from([0]), di]);
}

function sigOf(resp: Uint8Array): Buffer {
  // 7C L 82 L <sig> (lengths may be in long form)
  const b = Buffer.from(resp);
  let i = 1;
  i += b[i]! & 0x80 ? 1 + (b[i]! & 0x7f) : 1;
  i += 1;
  i += b[i]! & 0x80 ? 1 + (b[i]! & 0x7f) : 1;
  return b.subarray(i);
}

describe('firmware-sim keys: GENERATE and GENERAL AUTHENTICATE', function () {
  this.timeout(120_000);
  let t: TestCard;
  beforeEach(async () => { t = await newCard(); });
  afterEach(() => t.cleanup());

  it('GENERATE needs the management key, a valid slot, algorithm and policy', async () => {
    assert.equal((await raw(t.card, '0047009A05AC03800111')).swHex, '6982');
    await mgmAuth(t.card);
    assert.equal((await raw(t.card, '0047009B05AC03800111')).swHex, '6B00');
    assert.equal((await raw(t.card, '0047009A05AC03800103')).swHex, '6A80');
    assert.equal((await raw(t.card, '0047009A08AC06800111AA0104')).swHex, '6A80');
    assert.equal((await raw(t.card, '0047009A08AC06800111AB0105')).swHex, '6A80');
    assert.equal((await raw(t.card, '0047019A05AC03800111')).swHex, '6A86');
    assert.equal((await raw(t.card, '0047009A03AC0180')).swHex, '6A80');
  });

  it('answers EC public keys in the exact shapes ykpiv parses', async () => {
    await mgmAuth(t.card);
    const p256 = await generate(t, 0x9a, 0x11);
    assert.equal(Buffer.from(p256.subarray(0, 6)).toString('hex'), '7f4943864104');
    assert.equal(p256.length, 3 + 0x43);
    const p384 = await generate(t, 0x9c, 0x14);
    assert.equal(Buffer.from(p384.subarray(0, 6)).toString('hex'), '7f4963866104');
    assert.equal(p384.length, 3 + 0x63);
  });

  it('ECDSA P-256 and P-384 signatures over the host digest verify; ONCE and NEVER policies', async () => {
    await mgmAuth(t.card);
    const k256 = publicKeyOf(await generate(t, 0x9a, 0x11), 0x11);
    const k384 = publicKeyOf(await generate(t, 0x9e, 0x14), 0x14);
    const data = randomBytes(100);
    // 9A (ONCE) needs the PIN.
    assert.equal((await raw(t.card, gaSign(0x9a, 0x11, createHash('sha256').update(data).digest()))).swHex, '6982');
    await raw(t.card, verifyApdu('123456'));
    for (let i = 0; i < 2; i++) {
      const r = await send(t.card, gaSign(0x9a, 0x11, createHash('sha256').update(data).digest()));
      assert.equal(r.swHex, '9000');
      assert.ok(verify('sha256', data, k256, sigOf(r.data)), 'P-256 signature verifies');
    }
    // 9E (NEVER) signs without the PIN, even after logout.
    await raw(t.card, '0020FF80');
    const r384 = await send(t.card, gaSign(0x9e, 0x14, createHash('sha384').update(data).digest()));
    assert.equal(r384.swHex, '9000');
    assert.ok(verify('sha384', data, k384, sigOf(r384.data)));
    // OpenSC sends a 32-byte hash to a P-384 key: signed as the digest.
    const d32 = createHash('sha256').update(data).digest();
    const r32 = await send(t.card, gaSign(0x9e, 0x14, d32));
    const raw384 = k384.export({ format: 'jwk' });
    const pub = Buffer.concat([Buffer.from([4]), Buffer.from(raw384.x!, 'base64url'), Buffer.from(raw384.y!, 'base64url')]);
    assert.ok(p384.verify(sigOf(r32.data), d32, pub, { prehash: false, format: 'der', lowS: false }));
  });

  it('errors: bad slot 6B00, empty slot 6A88, wrong algorithm 6A86, bad template 6A80', async () => {
    await raw(t.card, verifyApdu('123456'));
    assert.equal((await raw(t.card, gaSign(0x9f, 0x11, Buffer.alloc(32)))).swHex, '6B00');
    assert.equal((await raw(t.card, gaSign(0x9a, 0x11, Buffer.alloc(32)))).swHex, '6A88');
    await mgmAuth(t.card);
    await generate(t, 0x9a, 0x11);
    assert.equal((await raw(t.card, gaSign(0x9a, 0x14, Buffer.alloc(32)))).swHex, '6A86');
    assert.equal((await raw(t.card, '0087119A047C028200')).swHex, '6A80');
    assert.equal((await raw(t.card, '0087119A057C03820081')).swHex, '6A80');
    assert.equal((await raw(t.card, '0087119A027C05')).swHex, '6A80');
    assert.equal((await raw(t.card, '0087119A06 7C0482008100'.replace(' ', ''))).swHex, '6A80', 'empty digest');
  });

  it('PIN policy ALWAYS: only the command right after VERIFY may sign', async () => {
    await mgmAuth(t.card);
    const key = publicKeyOf(await generate(t, 0x9c, 0x11), 0x11);
    const data = randomBytes(32);
    const digest = createHash('sha256').update(data).digest();
    assert.equal((await raw(t.card, gaSign(0x9c, 0x11, digest))).swHex, '6982');
    await raw(t.card, verifyApdu('123456'));
    const r = await send(t.card, gaSign(0x9c, 0x11, digest));
    assert.equal(r.swHex, '9000');
    assert.ok(verify('sha256', data, key, sigOf(r.data)));
    assert.equal((await raw(t.card, gaSign(0x9c, 0x11, digest))).swHex, '6982', 'second signature needs a new VERIFY');
    await raw(t.card, verifyApdu('123456'));
    await raw(t.card, '00FD000003');
    assert.equal((await raw(t.card, gaSign(0x9c, 0x11, digest))).swHex, '6982', 'another command in between');
    await raw(t.card, verifyApdu('123456'));
    assert.equal((await raw(t.card, '00C0000000')).swHex, '6985');
    assert.equal((await send(t.card, gaSign(0x9c, 0x11, digest))).swHex, '9000', 'GET RESPONSE does not count');
  });

  it('ECDH returns the shared x coordinate; an invalid point → 6A80', async () => {
    await mgmAuth(t.card);
    const resp = await generate(t, 0x9d, 0x11);
    const cardPoint = Buffer.from(resp.subarray(resp.length - 65));
    const host = createECDH('prime256v1');
    const hostPub = host.generateKeys();
    await raw(t.card, verifyApdu('123456'));
    const inner = Buffer.concat([Buffer.from([0x82, 0x00, 0x85, 65]), hostPub]);
    const r = await send(t.card, `0087119D${h(inner.length + 2)}7C${h(inner.length)}${inner.toString('hex')}00`);
    assert.equal(r.swHex, '9000');
    assert.equal(Buffer.from(sigOf(r.data)).toString('hex'), host.computeSecret(cardPoint).toString('hex'));
    const bad = Buffer.from(hostPub);
    bad[64] = bad[64]! ^ 1;
    const inner2 = Buffer.concat([Buffer.from([0x82, 0x00, 0x85, 65]), bad]);
    assert.equal((await send(t.card, `0087119D${h(inner2.length + 2)}7C${h(inner2.length)}${inner2.toString('hex')}00`)).swHex, '6A80');
  });

  it('RSA-2048: raw private operation, chained in and out; wrong input size → 6A80; ALWAYS survives chaining', async () => {
    await mgmAuth(t.card);
    const key = publicKeyOf(await generate(t, 0x9c, 0x07), 0x07);
    assert.equal((key.asymmetricKeyDetails?.modulusLength), 2048);
    const data = randomBytes(64);
    await raw(t.card, verifyApdu('123456'));
    const r = await sendChained(t.card, [0x00, 0x87, 0x07, 0x9c], gaRsa(pkcs1Sha256(data, 256)));
    assert.equal(r.swHex, '9000');
    const sig = sigOf(r.data);
    assert.equal(sig.length, 256);
    assert.ok(verify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, sig));
    await raw(t.card, verifyApdu('123456'));
    assert.equal((await sendChained(t.card, [0x00, 0x87, 0x07, 0x9c], gaRsa(Buffer.alloc(255, 1)))).swHex, '6A80');
    await raw(t.card, verifyApdu('123456'));
    assert.equal((await sendChained(t.card, [0x00, 0x87, 0x07, 0x9c], gaRsa(Buffer.alloc(256, 0xff)))).swHex, '6A80', 'input ≥ modulus');
  });

  it('RSA-1024 and RSA-3072: generated at the requested size, raw operation of the modulus size', async () => {
    await mgmAuth(t.card);
    for (const [alg, bits] of [[0x06, 1024], [0x05, 3072]] as const) {
      const key = publicKeyOf(await generate(t, 0x9e, alg), alg);
      assert.equal(key.asymmetricKeyDetails?.modulusLength, bits);
      const data = randomBytes(10);
      const r = await sendChained(t.card, [0x00, 0x87, alg, 0x9e], gaRsa(pkcs1Sha256(data, bits / 8)));
      assert.equal(r.swHex, '9000');
      assert.ok(verify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, sigOf(r.data)), `RSA-${bits}`);
    }
  });

  it('a different command mid-chain drops the chain', async () => {
    await mgmAuth(t.card);
    await generate(t, 0x9a, 0x07);
    await raw(t.card, verifyApdu('123456'));
    const body = gaRsa(Buffer.alloc(256, 1));
    const first = Buffer.concat([Buffer.from([0x10, 0x87, 0x07, 0x9a, 255]), body.subarray(0, 255)]);
    assert.equal((await raw(t.card, first)).swHex, '9000');
    assert.equal((await raw(t.card, '00FD000003')).swHex, '9000');
    const rest = body.subarray(255);
    const last = Buffer.concat([Buffer.from([0x00, 0x87, 0x07, 0x9a, rest.length]), rest, Buffer.from([0])]);
    assert.equal((await raw(t.card, last)).swHex, '6A80', 'the tail alone is a truncated template');
  });
});
