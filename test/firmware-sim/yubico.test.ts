// The Yubico PIV extensions (Yubico "PIV Introduction" / yubikey-manager
// yubikit/piv.py): FD version, F8 serial, F7 metadata, F9 attestation, FA PIN
// retries, FB reset, FE import, FF management key; and 9B authentication
// (SP 800-73-4 Part 2 Appendix A) with 3DES and AES.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createECDH, createHash, generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { factoryRootPem } from '../../firmware-sim/index.js';
import { FACTORY_DIR, DEFAULT_MGM, ecb, mgmAuth, newCard, raw, send, sendChained, toHex, verifyApdu, pinBlock } from './helpers.js';
import type { TestCard } from './helpers.js';
import { generate, publicKeyOf } from './key-helpers.js';

const h = (n: number) => n.toString(16).padStart(2, '0').toUpperCase();

function extValue(cert: Buffer, oidDer: string): Buffer {
  // extnID OID, then OCTET STRING (non-critical): 06 len oid 04 len value
  const at = cert.indexOf(Buffer.from(oidDer, 'hex'));
  assert.ok(at > 0, `extension ${oidDer} present`);
  const o = at + oidDer.length / 2;
  assert.equal(cert[o], 0x04);
  return cert.subarray(o + 2, o + 2 + cert[o + 1]!);
}

describe('firmware-sim Yubico extensions', function () {
  this.timeout(120_000);
  let t: TestCard;
  beforeEach(async () => { t = await newCard(); });
  afterEach(() => t.cleanup());

  it('GET VERSION 5.4.3 and GET SERIAL', async () => {
    assert.equal(toHex((await send(t.card, '00FD000000')).data), '050403');
    const r = await send(t.card, '00F8000000');
    assert.equal(Buffer.from(r.data).readUInt32BE(0), t.card.serial);
  });

  it('GET METADATA for PIN, PUK, management key, a generated key, an empty slot, a bad slot', async () => {
    assert.equal(toHex((await send(t.card, '00F7008000')).data), '0101FF' + '050101' + '06020303');
    await raw(t.card, verifyApdu('000000'));
    assert.equal(toHex((await send(t.card, '00F7008000')).data), '0101FF05010106020302');
    assert.equal(toHex((await send(t.card, '00F7008100')).data), '0101FF05010106020303');
    assert.equal(toHex((await send(t.card, '00F7009B00')).data), '010103' + '02020001' + '050101');
    assert.equal((await raw(t.card, '00F7009A00')).swHex, '6A88');
    assert.equal((await raw(t.card, '00F700AA00')).swHex, '6B00');
    assert.equal((await raw(t.card, '00F7019A00')).swHex, '6A86');
    await mgmAuth(t.card);
    const pub = await generate(t, 0x9a, 0x11, 'AA0103AB0102');
    const m = await send(t.card, '00F7009A00');
    assert.equal(toHex(m.data.subarray(0, 12)), '010111' + '02020302' + '030101' + '0443');
    assert.equal(toHex(m.data.subarray(12)), toHex(pub.subarray(3)), 'tag 04 holds the public key fields');
  });

  it('ATTEST: a Yubico-format certificate chaining to the factory root, for generated keys only', async () => {
    assert.equal((await raw(t.card, '00F99A0000')).swHex, '6A88');
    await mgmAuth(t.card);
    const pub = publicKeyOf(await generate(t, 0x9a, 0x11, 'AA0103AB0101'), 0x11);
    const r = await send(t.card, '00F99A0000');
    assert.equal(r.swHex, '9000');
    const attDer = Buffer.from(r.data);
    const att = new X509Certificate(attDer);
    const f9Container = await send(t.card, '00CB3FFF055C035FFF0100');
    const c = Buffer.from(f9Container.data);
    const f9Der = c.subarray(8, 8 + c.readUInt16BE(6));
    const f9 = new X509Certificate(f9Der);
    const root = new X509Certificate(await factoryRootPem(FACTORY_DIR));
    assert.equal(att.subject, 'CN=YubiKey PIV Attestation 9a');
    assert.equal(att.issuer, f9.subject);
    assert.ok(att.checkIssued(f9) && att.verify(f9.publicKey), 'attestation signed by F9');
    assert.ok(f9.checkIssued(root) && f9.verify(root.publicKey), 'F9 signed by the root');
    assert.ok(f9.ca);
    assert.equal(att.validFrom, f9.validFrom);
    assert.equal(att.validTo, f9.validTo);
    assert.ok(att.publicKey.equals(pub));
    // 1.3.6.1.4.1.41482.3.{3,7,8,9}
    const base = '060A2B0601040182C40A03';
    assert.equal(toHex(extValue(attDer, base + '03')), '050403');
    assert.equal(extValue(attDer, base + '07').toString('hex'), '0204' + t.card.serial.toString(16).padStart(8, '0'));
    assert.equal(toHex(extValue(attDer, base + '08')), '0301');
    assert.equal(toHex(extValue(attDer, base + '09')), '01');
    assert.equal((await raw(t.card, '00F9F90000')).swHex, '6B00');
    assert.equal((await raw(t.card, '00F99A0100')).swHex, '6A86');
  });

  it('ATTEST with a customer-installed RSA F9 key and certificate (sha256WithRSAEncryption)', async () => {
    await mgmAuth(t.card);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const j = rsa.privateKey.export({ format: 'jwk' });
    const pad = (s: string) => { const b = Buffer.from(s, 'base64url'); return Buffer.concat([Buffer.alloc(128 - b.length), b]); };
    const tl = (tag: number, v: Buffer) => Buffer.concat([Buffer.from([tag, 0x81, v.length]), v]);
    const body = Buffer.concat([tl(1, pad(j.p!)), tl(2, pad(j.q!)), tl(3, pad(j.dp!)), tl(4, pad(j.dq!)), tl(5, pad(j.qi!))]);
    assert.equal((await sendChained(t.card, [0x00, 0xfe, 0x07, 0xf9], body)).swHex, '9000');
    // A self-signed certificate for the new F9 key, made by openssl (no card involved).
    const d = join(t.dir, 'f9');
    mkdirSync(d);
    writeFileSync(join(d, 'k.pem'), rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    execFileSync('openssl', ['req', '-x509', '-new', '-key', join(d, 'k.pem'), '-subj', '/CN=Custom PIV Attestation', '-days', '10', '-outform', 'DER', '-out', join(d, 'c.der')]);
    const der = readFileSync(join(d, 'c.der'));
    const inner = Buffer.concat([Buffer.from([0x70, 0x82, der.length >> 8, der.length & 0xff]), der, Buffer.from('710100FE00', 'hex')]);
    const put = Buffer.concat([Buffer.from('5C035FFF0153', 'hex'), Buffer.from([0x82, inner.length >> 8, inner.length & 0xff]), inner]);
    assert.equal((await sendChained(t.card, [0x00, 0xdb, 0x3f, 0xff], put)).swHex, '9000');
    await generate(t, 0x9e, 0x11);
    const att = new X509Certificate(Buffer.from((await send(t.card, '00F99E0000')).data));
    const f9 = new X509Certificate(der);
    assert.equal(att.issuer, 'CN=Custom PIV Attestation');
    assert.ok(att.verify(f9.publicKey));
    assert.equal(att.subject, 'CN=YubiKey PIV Attestation 9e');
  });

  it('IMPORT KEY: EC scalar and RSA CRT; imported keys sign but cannot be attested; bad CRT → 6A80', async () => {
    assert.equal((await raw(t.card, '00FE119A2206' + '20' + '11'.repeat(32))).swHex, '6982');
    await mgmAuth(t.card);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const d = Buffer.from(ec.privateKey.export({ format: 'jwk' }).d!, 'base64url');
    assert.equal((await send(t.card, `00FE119A${h(d.length + 5)}0620${d.toString('hex')}AA0101`)).swHex, '9000');
    const data = randomBytes(40);
    const digest = createHash('sha256').update(data).digest();
    const sig = await send(t.card, `0087119A267C24820081 20${digest.toString('hex')}00`.replace(' ', ''));
    assert.equal(sig.swHex, '9000', 'PIN policy NEVER as imported');
    assert.ok(verify('sha256', data, ec.publicKey, sig.data.subarray(4)));
    assert.equal((await raw(t.card, '00F99A0000')).swHex, '6A80');
    assert.equal((await raw(t.card, '00FE119A04 0602 0102'.replace(/ /g, ''))).swHex, '6A80');

    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const j = rsa.privateKey.export({ format: 'jwk' });
    const comp = (s: string) => Buffer.from(s, 'base64url');
    const pad = (b: Buffer) => Buffer.concat([Buffer.alloc(64 - b.length), b]);
    const tl = (tag: number, v: Buffer) => Buffer.concat([Buffer.from([tag, v.length]), v]);
    const body = Buffer.concat([tl(1, pad(comp(j.p!))), tl(2, pad(comp(j.q!))), tl(3, pad(comp(j.dp!))), tl(4, pad(comp(j.dq!))), tl(5, pad(comp(j.qi!)))]);
    assert.equal((await sendChained(t.card, [0x00, 0xfe, 0x06, 0x9d], body)).swHex, '9000');
    const meta = await send(t.card, '00F7009D00');
    assert.equal(toHex(meta.data.subarray(0, 10)), '010106' + '02020201' + '030102', 'RSA1024, PIN once, touch never, imported');
    const broken = Buffer.from(body);
    broken[broken.length - 1] = broken[broken.length - 1]! ^ 1;
    assert.equal((await sendChained(t.card, [0x00, 0xfe, 0x06, 0x9d], broken)).swHex, '6A80');
  });

  it('management key: mutual and external authentication; wrong key → 6982 and state cleared', async () => {
    assert.equal((await mgmAuth(t.card)).swHex, '9000');
    await raw(t.card, verifyApdu('123456'));
    assert.equal((await mgmAuth(t.card, Buffer.alloc(24, 7))).swHex, '6982');
    assert.equal((await raw(t.card, '00200080')).swHex, '63C3', 'failed 9B auth cleared the PIN state');
    assert.equal((await raw(t.card, '00DB3FFF075C035FC1025300')).swHex, '6982', 'and the management authentication');
    // External: 7C{81 00} → 7C{81 C}; 7C{82 E(C)} → 9000.
    const c = await send(t.card, '0087039B047C028100');
    assert.equal(toHex(c.data.subarray(0, 4)), '7C0A8108');
    const enc = ecb(3, DEFAULT_MGM, c.data.subarray(4));
    assert.equal((await send(t.card, `0087039B0C7C0A8208${enc.toString('hex')}`)).swHex, '9000');
    assert.equal((await raw(t.card, '00DB3FFF075C035FC1025300')).swHex, '9000');
    // Step 2 without step 1 → 6985; P1 00 = current algorithm (OpenSC's random draw).
    assert.equal((await raw(t.card, `0087039B0C7C0A8208${enc.toString('hex')}`)).swHex, '6985');
    const rnd = await send(t.card, '0087009B047C02810000');
    assert.equal(rnd.swHex, '9000');
    assert.equal(rnd.data.length, 12);
    assert.equal((await raw(t.card, '0087089B047C028000')).swHex, '6A86', 'wrong algorithm');
    assert.equal((await raw(t.card, '0087039B067C0480008100')).swHex, '6A80');
  });

  it('SET MANAGEMENT KEY to AES-128/192/256 and back to 3DES', async () => {
    assert.equal((await raw(t.card, `00FFFFFF1B039B18${DEFAULT_MGM.toString('hex')}`)).swHex, '6982');
    await mgmAuth(t.card);
    let current = DEFAULT_MGM;
    let alg = 3;
    for (const [a, len] of [[0x08, 16], [0x0a, 24], [0x0c, 32]] as const) {
      const key = randomBytes(len);
      assert.equal((await raw(t.card, `00FFFFFF${h(len + 3)}${h(a)}9B${h(len)}${key.toString('hex')}`)).swHex, '9000');
      assert.equal((await mgmAuth(t.card, current, alg)).swHex, '6A86', 'old algorithm refused');
      assert.equal((await mgmAuth(t.card, key, a)).swHex, '9000');
      current = key;
      alg = a;
      const meta = await send(t.card, '00F7009B00');
      assert.equal(meta.data[2], a);
    }
    assert.equal((await raw(t.card, `00FFFFFF12089B10${'00'.repeat(15)}`)).swHex, '6A80', 'wrong length');
    assert.equal((await raw(t.card, `00FFFFFF1B049B18${'00'.repeat(24)}`)).swHex, '6A80', 'unknown algorithm');
    assert.equal((await raw(t.card, `00FFFFFF1B039B18${DEFAULT_MGM.toString('hex')}`)).swHex, '9000');
    assert.equal((await mgmAuth(t.card)).swHex, '9000');
    assert.equal((await send(t.card, '00F7009B00')).data[8], 1, 'default again');
  });

  it('SET PIN RETRIES needs management key and PIN, then resets PIN and PUK to defaults', async () => {
    assert.equal((await raw(t.card, '00FA0505')).swHex, '6982');
    await mgmAuth(t.card);
    assert.equal((await raw(t.card, '00FA0505')).swHex, '6982');
    await raw(t.card, `0024008010${pinBlock('123456')}${pinBlock('777777')}`);
    await raw(t.card, verifyApdu('777777'));
    assert.equal((await raw(t.card, '00FA0000')).swHex, '6A86');
    assert.equal((await raw(t.card, '00FA0507')).swHex, '9000');
    assert.equal(toHex((await send(t.card, '00F7008000')).data), '0101FF05010106020505');
    assert.equal(toHex((await send(t.card, '00F7008100')).data), '0101FF05010106020707');
    assert.equal((await raw(t.card, verifyApdu('123456'))).swHex, '9000');
  });

  it('RESET only when PIN and PUK are blocked; keeps F9 and its certificate', async () => {
    await mgmAuth(t.card);
    await generate(t, 0x9a, 0x11);
    assert.equal((await raw(t.card, '00FB0000')).swHex, '6985');
    for (let i = 0; i < 3; i++) await raw(t.card, verifyApdu('000000'));
    assert.equal((await raw(t.card, '00FB0000')).swHex, '6985', 'PUK not blocked yet');
    for (let i = 0; i < 3; i++) await raw(t.card, `002C008010${pinBlock('00000000')}${pinBlock('111111')}`);
    assert.equal((await raw(t.card, '00FB0000')).swHex, '9000');
    assert.equal((await raw(t.card, verifyApdu('123456'))).swHex, '9000');
    assert.equal((await raw(t.card, '00F7009A00')).swHex, '6A88');
    assert.equal((await raw(t.card, '00F700F900')).swHex, '9000');
    assert.equal((await send(t.card, '00CB3FFF055C035FFF0100')).swHex, '9000');
    assert.equal((await mgmAuth(t.card)).swHex, '9000');
  });

  it('no command returns a private key: every response of a session is free of the key bytes', async () => {
    await mgmAuth(t.card);
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const d = ecdh.getPrivateKey();
    await send(t.card, `00FE119D${h(d.length + 2)}0620${d.toString('hex')}`);
    const seen: Buffer[] = [];
    for (const apdu of ['00F7009D00', '00CB3FFF035C017E00', '00F99D0000', '00F700F900']) seen.push(Buffer.from((await send(t.card, apdu)).data));
    for (const s of seen) assert.equal(s.indexOf(d), -1);
  });
});
