// The same scenarios through the host-side PIV client over PC/SC and
// in-process give the same results. One scenario table, run
// step by step against two blank cards of the same serial: one in this
// process (openInProcessChannel), one in a firmware-sim process behind real
// pcscd + vpcd (PcscReaders). Each step's typed result is normalised (keys
// and signatures become facts such as "verifies with node:crypto") and must
// equal the expected value on both transports.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash, randomBytes, verify, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualCard, factoryRootPem, manufactureCard } from '../../firmware-sim/index.js';
import type { CardChannel } from '../../src/card/channel.js';
import { openInProcessChannel } from '../../src/card/in-process.js';
import { PcscReaders } from '../../src/card/pcsc/index.js';
import { PivClient } from '../../src/card/piv/client.js';
import { factoryDefaults, pivKeySlots, pivObjects, pivReferences } from '../../src/card/piv/constants.js';
import { acquireReader, startSimCard, type ReaderLease, type SimCardProcess } from '../support/pcsc.js';

const SERIAL = 5_551_234;
const MESSAGE = Buffer.from('cardauth/v1 parity scenario');
const SHA256 = createHash('sha256').update(MESSAGE).digest();
const SHA384 = createHash('sha384').update(MESSAGE).digest();

interface Ctx {
  piv: PivClient;
  root: X509Certificate;
  largeCert: Uint8Array;
  aesKey: Uint8Array;
  keys: Map<number, KeyObject>;
}

interface Step {
  name: string;
  run(ctx: Ctx): Promise<unknown>;
  expect: unknown;
}

/** EMSA-PKCS1-v1_5 for SHA-256 (RFC 8017 §9.2), 256-byte modulus. */
function pkcs1(digest: Buffer): Uint8Array {
  const t = Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), digest]);
  return new Uint8Array(Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(256 - t.length - 3, 0xff), Buffer.from([0]), t]));
}

const keyFacts = (r: Awaited<ReturnType<PivClient['generateKey']>>, slot: number, ctx: Ctx): unknown => {
  if (!r.ok) return r;
  ctx.keys.set(slot, r.publicKey);
  const d = r.publicKey.asymmetricKeyDetails;
  return { ok: true, type: r.publicKey.asymmetricKeyType, curve: d?.namedCurve, bits: d?.modulusLength, spkiMatches: r.publicKey.export({ format: 'der', type: 'spki' }).equals(Buffer.from(r.spki)) };
};

const signatureFacts = (r: { ok: boolean; signature?: Uint8Array; reason?: string; triesLeft?: number }, key: KeyObject | undefined, hash: string): unknown =>
  r.ok && r.signature !== undefined && key !== undefined ? { ok: true, verifies: verify(hash, MESSAGE, key, r.signature) } : r;

const scenario: Step[] = [
  { name: 'select', run: async ({ piv }) => ({ ok: (await piv.select()).ok }), expect: { ok: true } },
  { name: 'serial', run: ({ piv }) => piv.getSerial(), expect: { ok: true, serial: SERIAL } },
  { name: 'version', run: ({ piv }) => piv.getVersion(), expect: { ok: true, version: { major: 5, minor: 4, patch: 3 } } },
  { name: 'pin status', run: ({ piv }) => piv.pinStatus(), expect: { state: 'not-verified', triesLeft: 3 } },
  { name: 'retries', run: ({ piv }) => piv.getRetries(), expect: { ok: true, pin: { total: 3, remaining: 3 }, puk: { total: 3, remaining: 3 } } },
  { name: 'wrong PIN', run: ({ piv }) => piv.verifyPin('999999'), expect: { ok: false, reason: 'wrong-pin', triesLeft: 2 } },
  { name: 'right PIN', run: ({ piv }) => piv.verifyPin('123456'), expect: { ok: true } },
  { name: 'empty certificate slot', run: ({ piv }) => piv.readCertificate(pivKeySlots.AUTHENTICATION), expect: { ok: false, reason: 'not-found' } },
  { name: 'sign with empty slot', run: ({ piv }) => piv.signDigest(pivKeySlots.AUTHENTICATION, 'ECCP256', SHA256), expect: { ok: false, reason: 'empty-slot' } },
  { name: 'metadata of empty slot', run: ({ piv }) => piv.getMetadata(pivKeySlots.AUTHENTICATION), expect: { ok: false, reason: 'empty-slot' } },
  { name: 'generate without management key', run: ({ piv }) => piv.generateKey(pivKeySlots.AUTHENTICATION, 'ECCP256'), expect: { ok: false, reason: 'security-status' } },
  { name: 'write certificate without management key', run: ({ piv, largeCert }) => piv.writeCertificate(pivKeySlots.AUTHENTICATION, largeCert), expect: { ok: false, reason: 'security-status' } },
  {
    name: 'wrong management key',
    run: ({ piv }) => {
      const k = factoryDefaults.managementKey();
      k[5]! ^= 0x80;
      return piv.authenticateManagementKey(k, 'TDES');
    },
    expect: { ok: false, reason: 'wrong-management-key' },
  },
  { name: 'factory management key (3DES)', run: ({ piv }) => piv.authenticateManagementKey(factoryDefaults.managementKey(), 'TDES'), expect: { ok: true } },
  {
    name: 'generate 9A P-256 PIN always',
    run: async (ctx) => keyFacts(await ctx.piv.generateKey(pivKeySlots.AUTHENTICATION, 'ECCP256', { pinPolicy: 'always', touchPolicy: 'never' }), 0x9a, ctx),
    expect: { ok: true, type: 'ec', curve: 'prime256v1', bits: undefined, spkiMatches: true },
  },
  {
    name: 'generate 9C P-384',
    run: async (ctx) => keyFacts(await ctx.piv.generateKey(pivKeySlots.SIGNATURE, 'ECCP384'), 0x9c, ctx),
    expect: { ok: true, type: 'ec', curve: 'secp384r1', bits: undefined, spkiMatches: true },
  },
  {
    name: 'generate 9D RSA-2048',
    run: async (ctx) => keyFacts(await ctx.piv.generateKey(pivKeySlots.KEY_MANAGEMENT, 'RSA2048'), 0x9d, ctx),
    expect: { ok: true, type: 'rsa', curve: undefined, bits: 2048, spkiMatches: true },
  },
  {
    name: 'metadata of 9A',
    run: async ({ piv, keys }) => {
      const m = await piv.getMetadata(pivKeySlots.AUTHENTICATION);
      if (!m.ok) return m;
      const { publicKey, ...rest } = m.metadata;
      return { ...rest, keyMatches: publicKey?.equals(keys.get(0x9a)!) };
    },
    expect: { algorithm: 'ECCP256', pinPolicy: 'always', touchPolicy: 'never', origin: 'generated', isDefault: undefined, retries: undefined, keyMatches: true },
  },
  { name: 'sign 9A without fresh VERIFY (ALWAYS)', run: ({ piv }) => piv.signDigest(pivKeySlots.AUTHENTICATION, 'ECCP256', SHA256), expect: { ok: false, reason: 'security-status' } },
  {
    name: 'VERIFY then sign 9A',
    run: async ({ piv, keys }) => signatureFacts(await piv.verifyPinAndSign('123456', pivKeySlots.AUTHENTICATION, 'ECCP256', SHA256), keys.get(0x9a), 'sha256'),
    expect: { ok: true, verifies: true },
  },
  { name: 'sign 9A again (ALWAYS used up)', run: ({ piv }) => piv.signDigest(pivKeySlots.AUTHENTICATION, 'ECCP256', SHA256), expect: { ok: false, reason: 'security-status' } },
  { name: 'verify PIN for ONCE keys', run: ({ piv }) => piv.verifyPin('123456'), expect: { ok: true } },
  {
    name: 'sign 9C P-384',
    run: async ({ piv, keys }) => signatureFacts(await piv.signDigest(pivKeySlots.SIGNATURE, 'ECCP384', SHA384), keys.get(0x9c), 'sha384'),
    expect: { ok: true, verifies: true },
  },
  { name: 'sign 9C with the wrong algorithm', run: ({ piv }) => piv.signDigest(pivKeySlots.SIGNATURE, 'ECCP256', SHA256), expect: { ok: false, reason: 'algorithm-mismatch' } },
  {
    name: 'RSA raw on 9D (chained both ways)',
    run: async ({ piv, keys }) => signatureFacts(await piv.signDigest(pivKeySlots.KEY_MANAGEMENT, 'RSA2048', pkcs1(SHA256)), keys.get(0x9d), 'sha256'),
    expect: { ok: true, verifies: true },
  },
  {
    name: 'attest 9A',
    run: async ({ piv, root, keys }) => {
      const a = await piv.attest(pivKeySlots.AUTHENTICATION);
      const f9 = await piv.readCertificate(pivKeySlots.ATTESTATION);
      if (!a.ok || !f9.ok) return { a, f9 };
      const att = new X509Certificate(a.der);
      const issuer = new X509Certificate(f9.der);
      return { ok: true, chains: att.verify(issuer.publicKey) && issuer.verify(root.publicKey), keyMatches: att.publicKey.equals(keys.get(0x9a)!), subject: att.subject };
    },
    expect: { ok: true, chains: true, keyMatches: true, subject: 'CN=YubiKey PIV Attestation 9a' },
  },
  { name: 'write a large certificate to 9A', run: ({ piv, largeCert }) => piv.writeCertificate(pivKeySlots.AUTHENTICATION, largeCert), expect: { ok: true } },
  {
    name: 'read it back',
    run: async ({ piv, largeCert }) => {
      const r = await piv.readCertificate(pivKeySlots.AUTHENTICATION);
      return r.ok ? { ok: true, same: Buffer.from(r.der).equals(Buffer.from(largeCert)), size: r.der.length > 2000 } : r;
    },
    expect: { ok: true, same: true, size: true },
  },
  { name: 'logout', run: async ({ piv }) => { await piv.logout(); return piv.pinStatus(); }, expect: { state: 'not-verified', triesLeft: 3 } },
  { name: 'PIN-protected object', run: ({ piv }) => piv.getData(pivObjects.PRINTED_INFORMATION), expect: { ok: false, reason: 'security-status' } },
  { name: 'set management key after logout (state cleared)', run: ({ piv, aesKey }) => piv.setManagementKey(aesKey, 'AES256'), expect: { ok: false, reason: 'security-status' } },
  { name: 'factory management key again', run: ({ piv }) => piv.authenticateManagementKey(factoryDefaults.managementKey(), 'TDES'), expect: { ok: true } },
  { name: 'set AES-256 management key', run: ({ piv, aesKey }) => piv.setManagementKey(aesKey, 'AES256'), expect: { ok: true } },
  { name: 'authenticate with AES-256', run: ({ piv, aesKey }) => piv.authenticateManagementKey(aesKey), expect: { ok: true } },
  {
    name: 'management key metadata',
    run: async ({ piv }) => {
      const m = await piv.getMetadata(pivReferences.MANAGEMENT_KEY);
      return m.ok ? { algorithm: m.metadata.algorithm, isDefault: m.metadata.isDefault } : m;
    },
    expect: { algorithm: 'AES256', isDefault: false },
  },
  { name: 'change PIN with a wrong PIN', run: ({ piv }) => piv.changePin('111111', '86420864'), expect: { ok: false, reason: 'wrong-pin', triesLeft: 2 } },
  { name: 'change PIN', run: ({ piv }) => piv.changePin('123456', '86420864'), expect: { ok: true } },
  { name: 'wrong PIN 1/3', run: ({ piv }) => piv.verifyPin('000000'), expect: { ok: false, reason: 'wrong-pin', triesLeft: 2 } },
  { name: 'wrong PIN 2/3', run: ({ piv }) => piv.verifyPin('000000'), expect: { ok: false, reason: 'wrong-pin', triesLeft: 1 } },
  { name: 'wrong PIN 3/3 blocks', run: ({ piv }) => piv.verifyPin('000000'), expect: { ok: false, reason: 'blocked' } },
  { name: 'right PIN while blocked', run: ({ piv }) => piv.verifyPin('86420864'), expect: { ok: false, reason: 'blocked' } },
  { name: 'reset refused while PUK works', run: ({ piv }) => piv.reset(), expect: { ok: false, reason: 'not-blocked' } },
  { name: 'unblock with a wrong PUK', run: ({ piv }) => piv.unblockPin('87654321', '112233'), expect: { ok: false, reason: 'wrong-puk', triesLeft: 2 } },
  { name: 'unblock with the PUK', run: ({ piv }) => piv.unblockPin('12345678', '112233'), expect: { ok: true } },
  { name: 'new PIN works', run: ({ piv }) => piv.verifyPin('112233'), expect: { ok: true } },
  {
    name: 'block PIN and PUK',
    run: async ({ piv }) => {
      const out: unknown[] = [];
      for (let i = 0; i < 3; i++) out.push(await piv.verifyPin('000000'));
      for (let i = 0; i < 3; i++) out.push(await piv.unblockPin('00000000', '123123'));
      return out;
    },
    expect: [
      { ok: false, reason: 'wrong-pin', triesLeft: 2 },
      { ok: false, reason: 'wrong-pin', triesLeft: 1 },
      { ok: false, reason: 'blocked' },
      { ok: false, reason: 'wrong-puk', triesLeft: 2 },
      { ok: false, reason: 'wrong-puk', triesLeft: 1 },
      { ok: false, reason: 'puk-blocked' },
    ],
  },
  { name: 'right PUK while blocked', run: ({ piv }) => piv.unblockPin('12345678', '123123'), expect: { ok: false, reason: 'puk-blocked' } },
  { name: 'reset', run: ({ piv }) => piv.reset(), expect: { ok: true } },
  { name: 'factory PIN after reset', run: ({ piv }) => piv.verifyPin(factoryDefaults.pin), expect: { ok: true } },
  { name: 'keys gone after reset', run: ({ piv }) => piv.getMetadata(pivKeySlots.AUTHENTICATION), expect: { ok: false, reason: 'empty-slot' } },
  { name: 'certificate gone after reset', run: ({ piv }) => piv.readCertificate(pivKeySlots.AUTHENTICATION), expect: { ok: false, reason: 'not-found' } },
  { name: 'factory management key after reset', run: ({ piv }) => piv.authenticateManagementKey(factoryDefaults.managementKey()), expect: { ok: true } },
  { name: 'attestation key kept by reset', run: async ({ piv }) => ({ ok: (await piv.readCertificate(pivKeySlots.ATTESTATION)).ok }), expect: { ok: true } },
];

async function runScenario(channel: CardChannel, shared: Omit<Ctx, 'piv' | 'keys'>): Promise<unknown[]> {
  const ctx: Ctx = { ...shared, piv: new PivClient(channel), keys: new Map() };
  const results: unknown[] = [];
  for (const step of scenario) {
    try {
      results.push(await step.run(ctx));
    } catch (e) {
      results.push({ threw: (e as { code?: string }).code ?? String(e) });
    }
  }
  return results;
}

describe('PIV client parity: the same scenario over PC/SC and in-process', function () {
  this.timeout(300_000);
  let dir: string;
  let shared: Omit<Ctx, 'piv' | 'keys'>;
  let inProcess: unknown[];
  let overPcsc: unknown[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cardauth-e2e-parity-'));
    const factoryDir = join(dir, 'factory');
    const fileA = join(dir, 'a.card');
    const fileB = join(dir, 'b.card');
    await manufactureCard({ serial: SERIAL, out: fileA, factoryDir });
    await manufactureCard({ serial: SERIAL, out: fileB, factoryDir });
    // A ~2.5 KB certificate made by openssl (a real peer), so chaining is exercised.
    const cnf = join(dir, 'ext.cnf');
    const sans = Array.from({ length: 60 }, (_, i) => `DNS:terminal-${i}.branch.example.org`).join(',');
    await writeFile(cnf, `[req]\ndistinguished_name=dn\n[dn]\n[ext]\nsubjectAltName=${sans}\n`);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'), '-subj', '/CN=parity', '-days', '1', '-config', cnf, '-extensions', 'ext', '-outform', 'DER', '-out', join(dir, 'c.der')], { stdio: 'pipe' });
    shared = {
      root: new X509Certificate(await factoryRootPem(factoryDir)),
      largeCert: new Uint8Array(await readFile(join(dir, 'c.der'))),
      aesKey: new Uint8Array(randomBytes(32)),
    };

    const card = await VirtualCard.open(fileA);
    const direct = await openInProcessChannel(card);
    try {
      inProcess = await runScenario(direct, shared);
    } finally {
      await direct.close();
    }

    let lease: ReaderLease | undefined;
    let sim: SimCardProcess | undefined;
    let readers: PcscReaders | undefined;
    try {
      lease = await acquireReader();
      sim = await startSimCard({ cardFile: fileB, port: lease.port });
      readers = await PcscReaders.open();
      await readers.waitForCard(lease.readerName, { timeoutMs: 30_000 });
      const channel = await readers.connect(lease.readerName);
      try {
        overPcsc = await runScenario(channel, shared);
      } finally {
        await channel.close();
      }
    } finally {
      await readers?.close();
      await sim?.stop();
      await lease?.release();
    }
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ran every step on both transports', () => {
    assert.equal(inProcess.length, scenario.length);
    assert.equal(overPcsc.length, scenario.length);
  });

  scenario.forEach((step, i) => {
    it(`${i + 1}. ${step.name}`, () => {
      assert.deepEqual(inProcess[i], step.expect, 'in-process');
      assert.deepEqual(overPcsc[i], step.expect, 'PC/SC');
      assert.deepEqual(overPcsc[i], inProcess[i]);
    });
  });
});
