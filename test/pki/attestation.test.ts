// Card attestation (Yubico PIV attestation format): a key generated on the
// simulated card (firmware-sim, driven with raw APDUs: SELECT, management key
// mutual authentication, GENERATE ASYMMETRIC KEY PAIR, Yubico ATTEST (F9),
// GET DATA 5FFF01) verifies against the factory root; a swapped key, a wrong
// serial, a wrong policy and an unknown root are each refused with their own
// code. A real YubiKey attestation (fixtures/yubikey-5.2.6) verifies
// against Yubico's published root bundled in pki/.
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, createHash, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
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
  type PkiErrorCode,
} from '../../pki/index.js';
import { readYubicoExtensions } from '../../pki/attestation/read-yubico-extensions.js';
import { cardKey } from './helpers.js';

const fixture = (name: string): Buffer =>
  pemToDer(readFileSync(join(import.meta.dirname, 'fixtures', 'yubikey-5.2.6', name), 'utf8'), name.startsWith('public') ? 'PUBLIC KEY' : 'CERTIFICATE');

/** One APDU; follows 61xx with GET RESPONSE; returns data, asserts 9000. */
async function apdu(card: VirtualCard, hex: string): Promise<Buffer> {
  let r = Buffer.from(await card.transmit(Buffer.from(hex, 'hex')));
  let data = r.subarray(0, r.length - 2);
  while (r[r.length - 2] === 0x61) {
    r = Buffer.from(await card.transmit(Buffer.from('00C0000000', 'hex')));
    data = Buffer.concat([data, r.subarray(0, r.length - 2)]);
  }
  const sw = r.readUInt16BE(r.length - 2);
  assert.equal(sw, 0x9000, `${hex.slice(0, 8)} → SW ${sw.toString(16)}`);
  return data;
}

function tdes(key: Buffer, block: Buffer, decrypt: boolean): Buffer {
  const c = decrypt ? createDecipheriv('des-ede3', key, null) : createCipheriv('des-ede3', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

/** SP 800-73-4 Part 2 Appendix A.2 mutual authentication with the factory 3DES management key. */
async function authenticateManagementKey(card: VirtualCard): Promise<void> {
  const key = Buffer.from(DEVICE.defaultManagementKeyHex, 'hex');
  const r1 = await apdu(card, '0087039B047C028000');
  const witness = tdes(key, r1.subarray(4, 12), true);
  const challenge = Buffer.from('0123456789abcdef', 'hex');
  const body = Buffer.concat([Buffer.from([0x80, 8]), witness, Buffer.from([0x81, 8]), challenge]);
  const r2 = await apdu(card, `0087039B${(body.length + 2).toString(16).padStart(2, '0')}7C${body.length.toString(16)}${body.toString('hex')}`);
  assert.ok(r2.subarray(4, 12).equals(tdes(key, challenge, false)));
}

/** GENERATE ASYMMETRIC KEY PAIR, ECC P-256, with Yubico PIN (AA) and touch (AB) policies; returns the public key. */
async function generate(card: VirtualCard, slot: string, pinPolicy: number): Promise<KeyObject> {
  const r = await apdu(card, `004700${slot}0BAC0980011 1AA01${pinPolicy.toString(16).padStart(2, '0')}AB0101`.replace(/ /g, ''));
  // 7F49 L 86 41 04||X||Y
  const at = r.indexOf(Buffer.from([0x86, 0x41]));
  const point = r.subarray(at + 2, at + 2 + 65);
  const spki = Buffer.concat([Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'), point]);
  return createPublicKey({ key: spki, format: 'der', type: 'spki' });
}

async function f9Certificate(card: VirtualCard): Promise<Buffer> {
  const r = await apdu(card, '00CB3FFF055C035FFF0100');
  // 53 L { 70 L cert 71 01 00 FE 00 }
  let p = 1;
  const len = (): number => {
    const b = r[p++]!;
    if (b < 0x80) return b;
    let n = 0;
    for (let i = 0; i < (b & 0x7f); i++) n = (n << 8) | r[p++]!;
    return n;
  };
  len();
  assert.equal(r[p++], 0x70);
  const l = len();
  return r.subarray(p, p + l);
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
    await apdu(card, '00A4040005A000000308');
    await authenticateManagementKey(card);
    key9a = await generate(card, '9A', 3); // PIN always
    await generate(card, '9C', 2); // PIN once
    att9a = await apdu(card, '00F99A0000');
    att9c = await apdu(card, '00F99C0000');
    f9 = await f9Certificate(card);
    rootPem = await factoryRootPem(factory);
    // A second card from the same factory, and a second factory
    await manufactureCard({ serial: SERIAL + 1, out: join(dir, 'card2.json'), factoryDir: factory });
    const card2 = await VirtualCard.open(join(dir, 'card2.json'));
    await apdu(card2, '00A4040005A000000308');
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
});
