// Keys on the card through the PIV client: management key (3DES and AES,
// SP 800-73-4 Part 2 App. A.1), key generation with policies, signatures
// checked with node:crypto against the public key the card returned, RSA raw,
// attestation chained to the simulated factory root.
import assert from 'node:assert/strict';
import { X509Certificate, constants, createHash, createPublicKey, diffieHellman, generateKeyPairSync, publicEncrypt, randomBytes, verify } from 'node:crypto';
import { factoryRootPem } from '../../../firmware-sim/index.js';
import { cardFixture, type CardFixture } from '../card-fixture.js';
import { factoryDefaults, pivKeySlots, pivReferences } from '../../../src/card/piv/constants.js';
import { isCardError } from '../../../src/card/codes.js';

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();
const sha384 = (s: string): Buffer => createHash('sha384').update(s).digest();

/** EMSA-PKCS1-v1_5 encoding of a SHA-256 digest (RFC 8017 §9.2) for a k-byte modulus. */
function pkcs1Sha256(digest: Buffer, k: number): Uint8Array {
  const prefix = Buffer.from('3031300d060960864801650304020105000420', 'hex');
  const t = Buffer.concat([prefix, digest]);
  const ps = Buffer.alloc(k - t.length - 3, 0xff);
  return new Uint8Array(Buffer.concat([Buffer.from([0x00, 0x01]), ps, Buffer.from([0x00]), t]));
}

describe('PIV client: keys, management key, signatures, attestation (in-process card)', () => {
  let fx: CardFixture;
  before(async () => {
    fx = await cardFixture();
  });
  after(async () => {
    await fx.cleanup();
  });

  it('authenticates with the factory 3DES management key and refuses a wrong one', async () => {
    const { piv } = await fx.newCard();
    const wrong = factoryDefaults.managementKey();
    wrong[0]! ^= 0x80; // not 0x01: DES ignores the low (parity) bit of each key byte
    assert.deepEqual(await piv.authenticateManagementKey(wrong, 'TDES'), { ok: false, reason: 'wrong-management-key' });
    assert.deepEqual(await piv.generateKey(pivKeySlots.AUTHENTICATION, 'ECCP256'), { ok: false, reason: 'security-status' });
    // Without an algorithm the client asks the card's 9B metadata.
    assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey()), { ok: true });
    const m = await piv.getMetadata(pivReferences.MANAGEMENT_KEY);
    assert.ok(m.ok);
    assert.equal(m.metadata.algorithm, 'TDES');
    assert.equal(m.metadata.isDefault, true);
  });

  for (const [algorithm, length] of [['AES128', 16], ['AES192', 24], ['AES256', 32]] as const) {
    it(`changes the management key to ${algorithm} and authenticates with it`, async () => {
      const { piv } = await fx.newCard();
      const key = new Uint8Array(randomBytes(length));
      assert.deepEqual(await piv.setManagementKey(key, algorithm), { ok: false, reason: 'security-status' });
      assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey(), 'TDES'), { ok: true });
      assert.deepEqual(await piv.setManagementKey(key, algorithm), { ok: true });
      // The old key and the old algorithm no longer work.
      const old = await piv.authenticateManagementKey(factoryDefaults.managementKey(), 'TDES');
      assert.equal(old.ok, false);
      assert.ok(!old.ok && (old.reason === 'algorithm-mismatch' || old.reason === 'wrong-management-key'));
      assert.deepEqual(await piv.authenticateManagementKey(key, algorithm), { ok: true });
      assert.deepEqual(await piv.authenticateManagementKey(key), { ok: true });
      const wrong = Uint8Array.from(key);
      wrong[length - 1]! ^= 0x80;
      assert.deepEqual(await piv.authenticateManagementKey(wrong, algorithm), { ok: false, reason: 'wrong-management-key' });
      const m = await piv.getMetadata(pivReferences.MANAGEMENT_KEY);
      assert.ok(m.ok && m.metadata.algorithm === algorithm && m.metadata.isDefault === false);
    });
  }

  it('rejects a management key of the wrong length before sending anything', async () => {
    const { piv } = await fx.newCard();
    await assert.rejects(piv.authenticateManagementKey(new Uint8Array(16), 'TDES'), (e: unknown) => isCardError(e, 'card_argument_invalid'));
    await assert.rejects(piv.setManagementKey(new Uint8Array(20), 'AES256'), (e: unknown) => isCardError(e, 'card_argument_invalid'));
  });

  it('generates P-256 with PIN policy ALWAYS: signs only right after VERIFY, and node:crypto verifies', async () => {
    const { piv } = await fx.newCard();
    assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey()), { ok: true });
    const g = await piv.generateKey(pivKeySlots.AUTHENTICATION, 'ECCP256', { pinPolicy: 'always', touchPolicy: 'never' });
    assert.ok(g.ok);
    assert.equal(g.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.deepEqual(new Uint8Array(createPublicKey({ key: Buffer.from(g.spki), format: 'der', type: 'spki' }).export({ format: 'der', type: 'spki' })), g.spki);

    const digest = sha256('pay 12.50 EUR to ACME');
    assert.deepEqual(await piv.signDigest(pivKeySlots.AUTHENTICATION, 'ECCP256', digest), { ok: false, reason: 'security-status' });
    const s = await piv.verifyPinAndSign('123456', pivKeySlots.AUTHENTICATION, 'ECCP256', digest);
    assert.ok(s.ok);
    assert.equal(verify('sha256', Buffer.from('pay 12.50 EUR to ACME'), g.publicKey, s.signature), true);
    assert.equal(verify('sha256', Buffer.from('pay 99.00 EUR to ACME'), g.publicKey, s.signature), false);
    // ALWAYS: the verified PIN was used up by that one signature.
    assert.deepEqual(await piv.signDigest(pivKeySlots.AUTHENTICATION, 'ECCP256', digest), { ok: false, reason: 'security-status' });
    // A wrong PIN in the combined call comes back as the PIN failure.
    assert.deepEqual(await piv.verifyPinAndSign('000000', pivKeySlots.AUTHENTICATION, 'ECCP256', digest), { ok: false, reason: 'wrong-pin', triesLeft: 2 });

    const m = await piv.getMetadata(pivKeySlots.AUTHENTICATION);
    assert.ok(m.ok);
    assert.equal(m.metadata.algorithm, 'ECCP256');
    assert.equal(m.metadata.pinPolicy, 'always');
    assert.equal(m.metadata.touchPolicy, 'never');
    assert.equal(m.metadata.origin, 'generated');
    assert.deepEqual(m.metadata.publicKey?.export({ format: 'der', type: 'spki' }), Buffer.from(g.spki));
  });

  it('generates P-384 (PIN policy ONCE): a P-384 signature over a SHA-384 digest verifies; the wrong algorithm is refused', async () => {
    const { piv } = await fx.newCard();
    assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey()), { ok: true });
    const g = await piv.generateKey(pivKeySlots.SIGNATURE, 'ECCP384', { pinPolicy: 'once' });
    assert.ok(g.ok);
    assert.equal(g.publicKey.asymmetricKeyDetails?.namedCurve, 'secp384r1');
    assert.deepEqual(await piv.verifyPin('123456'), { ok: true });
    for (const msg of ['one', 'two']) {
      const s = await piv.signDigest(pivKeySlots.SIGNATURE, 'ECCP384', sha384(msg));
      assert.ok(s.ok, 'ONCE: the PIN stays verified for several signatures');
      assert.equal(verify('sha384', Buffer.from(msg), g.publicKey, s.signature), true);
    }
    assert.deepEqual(await piv.signDigest(pivKeySlots.SIGNATURE, 'ECCP256', sha256('x')), { ok: false, reason: 'algorithm-mismatch' });
  });

  it('generates RSA-2048 and does a raw RSA private operation on a PKCS#1 v1.5 block (chained both ways)', async () => {
    const { piv } = await fx.newCard();
    assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey()), { ok: true });
    const g = await piv.generateKey(pivKeySlots.KEY_MANAGEMENT, 'RSA2048');
    assert.ok(g.ok);
    assert.equal(g.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
    assert.deepEqual(await piv.verifyPin('123456'), { ok: true });
    const block = pkcs1Sha256(sha256('rsa message'), 256);
    const s = await piv.signDigest(pivKeySlots.KEY_MANAGEMENT, 'RSA2048', block);
    assert.ok(s.ok);
    assert.equal(s.signature.length, 256);
    assert.equal(verify('sha256', Buffer.from('rsa message'), g.publicKey, s.signature), true);
    // The same raw operation decrypts what was encrypted to the public key.
    const ct = publicEncrypt({ key: g.publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from('session key'));
    const d = await piv.signDigest(pivKeySlots.KEY_MANAGEMENT, 'RSA2048', new Uint8Array(ct));
    assert.ok(d.ok);
    assert.ok(Buffer.from(d.signature).subarray(-11).equals(Buffer.from('session key')));
    await assert.rejects(piv.signDigest(pivKeySlots.KEY_MANAGEMENT, 'RSA2048', new Uint8Array(255)), (e: unknown) => isCardError(e, 'card_argument_invalid'));
  });

  it('ECDH with a P-256 key in 9D gives the same secret node:crypto computes from the other side', async () => {
    const { piv } = await fx.newCard();
    assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey()), { ok: true });
    const g = await piv.generateKey(pivKeySlots.KEY_MANAGEMENT, 'ECCP256');
    assert.ok(g.ok);
    const peer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    assert.deepEqual(await piv.keyAgreement(pivKeySlots.KEY_MANAGEMENT, 'ECCP256', peer.publicKey), { ok: false, reason: 'security-status' });
    assert.deepEqual(await piv.verifyPin('123456'), { ok: true });
    const r = await piv.keyAgreement(pivKeySlots.KEY_MANAGEMENT, 'ECCP256', peer.publicKey);
    assert.ok(r.ok);
    assert.deepEqual(Buffer.from(r.sharedSecret), diffieHellman({ privateKey: peer.privateKey, publicKey: g.publicKey }));
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    await assert.rejects(piv.keyAgreement(pivKeySlots.KEY_MANAGEMENT, 'ECCP256', p384.publicKey), (e: unknown) => isCardError(e, 'card_argument_invalid'));
  });

  it('signing with an empty slot says empty-slot', async () => {
    const { piv } = await fx.newCard();
    assert.deepEqual(await piv.verifyPin('123456'), { ok: true });
    assert.deepEqual(await piv.signDigest(pivKeySlots.CARD_AUTHENTICATION, 'ECCP256', sha256('x')), { ok: false, reason: 'empty-slot' });
    assert.deepEqual(await piv.getMetadata(pivKeySlots.CARD_AUTHENTICATION), { ok: false, reason: 'empty-slot' });
    assert.deepEqual(await piv.attest(pivKeySlots.CARD_AUTHENTICATION), { ok: false, reason: 'empty-slot' });
  });

  it('attests a generated key: the certificate chains to the factory root and carries the key and the serial', async () => {
    const { piv } = await fx.newCard(7654321);
    assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey()), { ok: true });
    const g = await piv.generateKey(pivKeySlots.AUTHENTICATION, 'ECCP256', { pinPolicy: 'always' });
    assert.ok(g.ok);
    const a = await piv.attest(pivKeySlots.AUTHENTICATION);
    assert.ok(a.ok);
    const att = new X509Certificate(a.der);
    const f9 = await piv.readCertificate(pivKeySlots.ATTESTATION);
    assert.ok(f9.ok);
    const f9Cert = new X509Certificate(f9.der);
    const root = new X509Certificate(await factoryRootPem(fx.factoryDir));
    assert.equal(att.verify(f9Cert.publicKey), true);
    assert.equal(f9Cert.verify(root.publicKey), true);
    assert.equal(att.checkIssued(f9Cert), true);
    assert.deepEqual(att.publicKey.export({ format: 'der', type: 'spki' }), Buffer.from(g.spki));
    assert.match(att.subject, /YubiKey PIV Attestation 9a/i);
    const serial = await piv.getSerial();
    assert.deepEqual(serial, { ok: true, serial: 7654321 });
    assert.deepEqual(await piv.getVersion(), { ok: true, version: { major: 5, minor: 4, patch: 3 } });
  });

  it('refuses a slot that is not a PIV key slot before sending anything', async () => {
    const { piv } = await fx.newCard();
    await assert.rejects(piv.signDigest(0x9b as never, 'ECCP256', sha256('x')), (e: unknown) => isCardError(e, 'card_argument_invalid'));
    await assert.rejects(piv.generateKey(0x42 as never, 'ECCP256'), (e: unknown) => isCardError(e, 'card_argument_invalid'));
  });
});
