// Card attestation (Yubico PIV attestation format): a key generated on the
// simulated card (firmware-sim, driven with raw APDUs: SELECT, management key
// mutual authentication, GENERATE ASYMMETRIC KEY PAIR, Yubico ATTEST (F9),
// GET DATA 5FFF01) verifies against the factory root; a swapped key, a wrong
// serial, a wrong policy and an unknown root are each refused with their own
// code. A real YubiKey attestation (fixtures/yubikey-5.2.6) verifies
// against Yubico's published root bundled in pki/.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVICE, factoryRootPem, manufactureCard, VirtualCard } from '../../firmware-sim/index.js';
import {
  isPkiError,
  manufacturerRoots,
  pemToDer,
  verifyAttestation,
  YUBICO_ATTESTATION_ROOT_1_PEM,
  YUBICO_ATTESTATION_ROOT_1_SHA256,
  YUBICO_PIV_ATTESTATION_ROOTS_PEM,
  YUBICO_PIV_ROOT_CA_SERIAL_263751_PEM,
  YUBICO_PIV_ROOT_CA_SERIAL_263751_SHA256,
  type AttestationInput,
  type ManufacturerRoots,
  type PkiErrorCode,
  type Signer,
} from '../../pki/index.js';
import { readYubicoExtensions } from '../../pki/attestation/read-yubico-extensions.js';
import { signCertificate } from '../../pki/issue/sign-certificate.js';
import { bigInteger } from '../../pki/lib/der.js';
import { children, readOne } from '../../pki/lib/der-reader.js';
import * as ext from '../../pki/lib/extensions.js';
import { buildName } from '../../pki/lib/names.js';
import { oid } from '../../pki/lib/oids.js';
import { randomSerial } from '../../pki/lib/serial.js';
import { makeAttestationLeaf, makeCaCert, type TestCert } from './attestation-chains.js';
import { attest, authenticateManagementKey, f9Certificate, generate, selectPiv, signDigest } from './card-apdu.js';
import { cardKey } from './helpers.js';

const fixture = (name: string): Buffer =>
  pemToDer(readFileSync(join(import.meta.dirname, 'fixtures', 'yubikey-5.2.6', name), 'utf8'), name.startsWith('public') ? 'PUBLIC KEY' : 'CERTIFICATE');

/** The subject Name DER of a certificate (TBSCertificate field 6, after the explicit version). */
function subjectDerOf(cert: Uint8Array): Buffer {
  const tbs = children(children(readOne(cert))[0]!);
  return Buffer.from(tbs[5]!.der);
}

describe('pki/attestation YubiKey-format attestation', () => {
  const SERIAL = 31_415_926;
  let dir: string;
  let card: VirtualCard;
  let key9a: KeyObject;
  let att9a: Buffer;
  let att9c: Buffer;
  let f9: Buffer;
  let otherF9: Buffer;
  let rootPem: string;
  let otherFactoryRootPem: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cardauth-attest-'));
    const factory = join(dir, 'factory');
    await manufactureCard({ serial: SERIAL, out: join(dir, 'card.json'), factoryDir: factory });
    card = await VirtualCard.open(join(dir, 'card.json'));
    await selectPiv(card);
    await authenticateManagementKey(card);
    key9a = await generate(card, '9A', 3); // PIN always
    await generate(card, '9C', 2); // PIN once
    att9a = await attest(card, '9A');
    att9c = await attest(card, '9C');
    f9 = await f9Certificate(card);
    rootPem = await factoryRootPem(factory);
    // A second card from the same factory, and a second factory
    await manufactureCard({ serial: SERIAL + 1, out: join(dir, 'card2.json'), factoryDir: factory });
    const card2 = await VirtualCard.open(join(dir, 'card2.json'));
    await selectPiv(card2);
    otherF9 = await f9Certificate(card2);
    otherFactoryRootPem = await factoryRootPem(join(dir, 'factory-2'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const input = (over: Partial<AttestationInput> = {}): AttestationInput => ({
    unverifiedAttestation: att9a,
    unverifiedF9Certificate: f9,
    roots: manufacturerRoots([...YUBICO_PIV_ATTESTATION_ROOTS_PEM, rootPem]),
    expected: { publicKey: key9a, serial: SERIAL, pinPolicy: 'always', touchPolicy: 'never' },
    ...over,
  });

  it('verifies an attestation from the simulated card and reads serial, firmware, policies, form factor', () => {
    const v = verifyAttestation(input());
    assert.equal(v.serial, SERIAL);
    assert.equal(v.firmware, DEVICE.firmwareVersion);
    assert.equal(v.pinPolicy, 'always');
    assert.equal(v.touchPolicy, 'never');
    assert.equal(v.formFactor, 1);
    assert.equal(v.slot, '9a');
    assert.ok(v.publicKey.equals(key9a));
    assert.match(v.root, /firmware-sim PIV Root CA/);
  });

  it('accepts the key as SPKI DER as well as a KeyObject', () => {
    verifyAttestation(input({ expected: { publicKey: key9a.export({ format: 'der', type: 'spki' }) } }));
  });

  const refusals: [string, () => AttestationInput, PkiErrorCode][] = [
    ['swapped key (another public key expected)', () => input({ expected: { publicKey: cardKey() } }), 'attestation_key_mismatch'],
    ['wrong card serial', () => input({ expected: { serial: SERIAL + 1 } }), 'attestation_serial_mismatch'],
    ['PIN policy once where always is required (slot 9C key)', () => input({ unverifiedAttestation: att9c, expected: { pinPolicy: 'always' } }), 'attestation_policy_mismatch'],
    ['touch policy differs', () => input({ expected: { touchPolicy: 'always' } }), 'attestation_policy_mismatch'],
    ['unknown manufacturer root (Yubico only configured)', () => input({ roots: manufacturerRoots([YUBICO_PIV_ROOT_CA_SERIAL_263751_PEM]) }), 'attestation_untrusted_root'],
    ['root of another factory', () => input({ roots: manufacturerRoots([otherFactoryRootPem]) }), 'attestation_untrusted_root'],
    ['F9 certificate of another card', () => input({ unverifiedF9Certificate: otherF9 }), 'attestation_signature_invalid'],
    ['garbage instead of the attestation', () => input({ unverifiedAttestation: Buffer.from('not a certificate') }), 'attestation_malformed'],
    ['oversized F9 certificate', () => input({ unverifiedF9Certificate: Buffer.alloc(5000, 0x30) }), 'attestation_malformed'],
    ['the F9 certificate presented as its own attestation', () => input({ unverifiedAttestation: f9, unverifiedF9Certificate: f9, roots: manufacturerRoots([rootPem]) }), 'attestation_signature_invalid'],
  ];
  for (const [name, make, code] of refusals) {
    it(`refuses: ${name} → ${code}`, () => {
      assert.throws(() => verifyAttestation(make()), (e) => isPkiError(e, code));
    });
  }

  it('refuses attestation extensions that are missing or mis-sized (attestation_malformed)', () => {
    assert.throws(() => readYubicoExtensions([]), (e) => isPkiError(e, 'attestation_malformed'));
    const ok = [
      { oid: '1.3.6.1.4.1.41482.3.3', critical: false, value: Uint8Array.of(5, 4, 3) },
      { oid: '1.3.6.1.4.1.41482.3.7', critical: false, value: Uint8Array.of(2, 1, 7) },
      { oid: '1.3.6.1.4.1.41482.3.8', critical: false, value: Uint8Array.of(3, 1) },
    ];
    assert.equal(readYubicoExtensions(ok).serial, 7);
    assert.throws(() => readYubicoExtensions([ok[0]!, ok[1]!, { ...ok[2]!, value: Uint8Array.of(3) }]), (e) => isPkiError(e, 'attestation_malformed'));
    assert.throws(() => readYubicoExtensions([ok[0]!, ok[1]!, { ...ok[2]!, value: Uint8Array.of(9, 1) }]), (e) => isPkiError(e, 'attestation_malformed'));
    assert.throws(() => readYubicoExtensions([ok[0]!, { ...ok[1]!, value: Uint8Array.of(4, 1, 7) }, ok[2]!]), (e) => isPkiError(e, 'attestation_malformed'));
  });

  it('bundles Yubico\'s PIV attestation roots with their published fingerprints', () => {
    for (const [pem, fingerprint, cn] of [
      [YUBICO_PIV_ROOT_CA_SERIAL_263751_PEM, YUBICO_PIV_ROOT_CA_SERIAL_263751_SHA256, 'Yubico PIV Root CA Serial 263751'],
      [YUBICO_ATTESTATION_ROOT_1_PEM, YUBICO_ATTESTATION_ROOT_1_SHA256, 'Yubico Attestation Root 1'],
    ] as const) {
      const der = pemToDer(pem, 'CERTIFICATE');
      assert.equal(createHash('sha256').update(der).digest('hex').toUpperCase(), fingerprint);
      assert.equal(new X509Certificate(der).subject, `CN=${cn}`);
    }
    assert.equal(manufacturerRoots(YUBICO_PIV_ATTESTATION_ROOTS_PEM).certificates.length, 2);
  });

  it('verifies a real YubiKey (firmware 5.2.6) attestation against Yubico\'s root (RSA chain)', () => {
    const v = verifyAttestation({
      unverifiedAttestation: fixture('attestation-9c.pem'),
      unverifiedF9Certificate: fixture('f9.pem'),
      roots: manufacturerRoots([rootPem, YUBICO_PIV_ROOT_CA_SERIAL_263751_PEM]),
      expected: { publicKey: fixture('public-key-9c.pem'), serial: 13_078_782, pinPolicy: 'always' },
    });
    assert.equal(v.firmware, '5.2.6');
    assert.equal(v.formFactor, 3);
    assert.equal(v.touchPolicy, 'always');
    assert.equal(v.slot, '9c');
    assert.equal(v.root, 'CN=Yubico PIV Root CA Serial 263751');
  });
  describe('certification path rules above the attestation (RFC 5280 §6.1.4)', () => {
    let root: TestCert;
    let roots: ManufacturerRoots;
    before(async () => {
      root = await makeCaCert({ cn: 'Test PIV Root' });
      roots = manufacturerRoots([root.pem]);
    });

    it('accepts root → intermediate (pathLen 1) → F9 (pathLen 0) → attestation', async () => {
      const inter = await makeCaCert({ cn: 'Test Intermediate', issuer: root, pathLen: 1 });
      const f9ca = await makeCaCert({ cn: 'Test F9', issuer: inter, pathLen: 0, keyUsage: ['keyCertSign'] });
      const leaf = await makeAttestationLeaf(f9ca, { serial: 4242 });
      const v = verifyAttestation({ unverifiedAttestation: leaf.der, unverifiedF9Certificate: f9ca.der, unverifiedIntermediates: [inter.der], roots });
      assert.equal(v.serial, 4242);
    });

    it('refuses an F9 certificate with cA FALSE (§6.1.4 (k)) → attestation_chain_invalid', async () => {
      const f9NotCa = await makeCaCert({ cn: 'Test F9 not a CA', issuer: root, basic: 'not-ca', keyUsage: ['keyCertSign'] });
      const leaf = await makeAttestationLeaf(f9NotCa, { serial: 4242 });
      assert.throws(
        () => verifyAttestation({ unverifiedAttestation: leaf.der, unverifiedF9Certificate: f9NotCa.der, roots }),
        (e) => isPkiError(e, 'attestation_chain_invalid'),
      );
    });

    it('refuses a path longer than an intermediate\'s pathLen allows (§6.1.4 (l), (m)) → attestation_chain_invalid', async () => {
      const inter = await makeCaCert({ cn: 'Test Intermediate pathLen 0', issuer: root, pathLen: 0 });
      const f9ca = await makeCaCert({ cn: 'Test F9', issuer: inter, pathLen: 0, keyUsage: ['keyCertSign'] });
      const leaf = await makeAttestationLeaf(f9ca, { serial: 4242 });
      assert.throws(
        () => verifyAttestation({ unverifiedAttestation: leaf.der, unverifiedF9Certificate: f9ca.der, unverifiedIntermediates: [inter.der], roots }),
        (e) => isPkiError(e, 'attestation_chain_invalid'),
      );
    });

    it('refuses the chained forgery: a card key signs an "attestation" under its own genuine attestation certificate → attestation_chain_invalid', async () => {
      // The attacker's card (same factory) generates a 9A key and gets its
      // genuine attestation certificate, an end-entity certificate.
      await manufactureCard({ serial: SERIAL + 7, out: join(dir, 'attacker.json'), factoryDir: join(dir, 'factory') });
      const attacker = await VirtualCard.open(join(dir, 'attacker.json'));
      await selectPiv(attacker);
      await authenticateManagementKey(attacker);
      const attackerKey = await generate(attacker, '9A', 1); // PIN never: the attacker signs at will
      const genuine = await attest(attacker, '9A');
      const attackerF9 = await f9Certificate(attacker);
      // That key signs, with GENERAL AUTHENTICATE over the TBS hash, a
      // Yubico-format "attestation" for a software key, claiming PIN ALWAYS
      // and the victim card's serial.
      const software = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
      const cardSigner: Signer = {
        name: 'attacker card 9A',
        curve: 'P-256',
        publicKey: attackerKey,
        sign: async (data) => signDigest(attacker, '9A', createHash('sha256').update(data).digest()),
      };
      const forged = await signCertificate(
        {
          serial: randomSerial(),
          issuer: subjectDerOf(genuine),
          subject: buildName([{ type: oid.commonName, value: 'YubiKey PIV Attestation 9a' }]),
          notBefore: new Date(Date.now() - 86_400_000),
          notAfter: new Date(Date.now() + 86_400_000),
          publicKey: software,
          extensions: [
            ext.extension(oid.yubicoFirmware, false, Uint8Array.of(5, 4, 3)),
            ext.extension(oid.yubicoSerial, false, bigInteger(BigInt(SERIAL))),
            ext.extension(oid.yubicoPolicy, false, Uint8Array.of(3, 1)),
            ext.extension(oid.yubicoFormFactor, false, Uint8Array.of(1)),
          ],
        },
        cardSigner,
      );
      assert.ok(new X509Certificate(forged).verify(new X509Certificate(genuine).publicKey), 'the forgery is really signed by the card key');
      assert.throws(
        () =>
          verifyAttestation({
            unverifiedAttestation: forged,
            unverifiedF9Certificate: genuine,
            unverifiedIntermediates: [attackerF9],
            roots: manufacturerRoots([rootPem]),
            expected: { publicKey: software, serial: SERIAL, pinPolicy: 'always' },
          }),
        (e) => isPkiError(e, 'attestation_chain_invalid'),
      );
    });
  });
});
