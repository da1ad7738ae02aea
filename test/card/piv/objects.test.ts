// Data objects through the PIV client: certificates of 2–3 KB written with
// command chaining and read back with response chaining, compressed
// certificates, deletion, access rules (SP 800-73-4 Part 1 Table 3:
// PIN-protected containers; PUT DATA needs the management key), capacity.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cardFixture, type CardFixture } from '../card-fixture.js';
import { factoryDefaults, pivKeySlots, pivObjects } from '../../../src/card/piv/constants.js';
import { isCardError } from '../../../src/card/codes.js';
import type { CardChannel } from '../../../src/card/channel.js';
import { PivClient } from '../../../src/card/piv/client.js';

/** A self-signed certificate made by openssl, padded with subjectAltNames to about `sans` × 40 bytes. */
function opensslCertificate(sans: number): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'cardauth-cert-'));
  try {
    const names = Array.from({ length: sans }, (_, i) => `DNS:host-${i}.branch-office.example.org`).join(',');
    const cnf = join(dir, 'ext.cnf');
    writeFileSync(cnf, `[req]\ndistinguished_name=dn\n[dn]\n[ext]\nsubjectAltName=${names}\n`);
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'),
      '-subj', '/CN=large certificate test', '-days', '1', '-config', cnf, '-extensions', 'ext', '-outform', 'DER', '-out', join(dir, 'c.der'),
    ], { stdio: 'pipe' });
    return new Uint8Array(readFileSync(join(dir, 'c.der')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Counts the APDUs of each shape that go through a channel. */
function counting(inner: CardChannel): { channel: CardChannel; chained: number; getResponse: number } {
  const stats = { chained: 0, getResponse: 0 };
  const channel: CardChannel = {
    get readerName() { return inner.readerName; },
    get atr() { return inner.atr; },
    get isOpen() { return inner.isOpen; },
    transmit(apdu) {
      if ((apdu[0]! & 0x10) !== 0) stats.chained++;
      if (apdu[1] === 0xc0) stats.getResponse++;
      return inner.transmit(apdu);
    },
    reset: () => inner.reset(),
    close: (o) => inner.close(o),
  };
  return Object.assign(stats, { channel }) as { channel: CardChannel; chained: number; getResponse: number };
}

describe('PIV client: data objects and certificates (in-process card)', () => {
  let fx: CardFixture;
  let large: Uint8Array;
  before(async () => {
    fx = await cardFixture();
    large = opensslCertificate(60);
  });
  after(async () => {
    await fx.cleanup();
  });

  it('writes a ~2.5 KB certificate with command chaining and reads it back with response chaining', async () => {
    assert.ok(large.length > 2000 && large.length < 3000, `certificate is ${large.length} bytes`);
    const { channel } = await fx.newCard();
    const c = counting(channel);
    const piv = new PivClient(c.channel);
    assert.deepEqual(await piv.writeCertificate(pivKeySlots.AUTHENTICATION, large), { ok: false, reason: 'security-status' });
    assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey()), { ok: true });
    const before = c.chained;
    assert.deepEqual(await piv.writeCertificate(pivKeySlots.AUTHENTICATION, large), { ok: true });
    assert.ok(c.chained - before >= Math.floor(large.length / 255), 'the write was command-chained');
    const gr = c.getResponse;
    const r = await piv.readCertificate(pivKeySlots.AUTHENTICATION);
    assert.ok(r.ok);
    assert.ok(c.getResponse - gr >= Math.floor(large.length / 256), 'the read was response-chained');
    assert.deepEqual(r.der, large);
    assert.equal(r.compressed, false);
    assert.equal(new X509Certificate(r.der).subject, 'CN=large certificate test');
  });

  it('writes and reads a compressed certificate (CertInfo 01)', async () => {
    const { piv } = await fx.newCard();
    assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey()), { ok: true });
    assert.deepEqual(await piv.writeCertificate(pivKeySlots.SIGNATURE, large, { compress: true }), { ok: true });
    const r = await piv.readCertificate(pivKeySlots.SIGNATURE);
    assert.ok(r.ok);
    assert.equal(r.compressed, true);
    assert.deepEqual(r.der, large);
  });

  it('deletes a certificate; reading an empty slot says not-found', async () => {
    const { piv } = await fx.newCard();
    assert.deepEqual(await piv.readCertificate(pivKeySlots.KEY_MANAGEMENT), { ok: false, reason: 'not-found' });
    assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey()), { ok: true });
    assert.deepEqual(await piv.writeCertificate(pivKeySlots.KEY_MANAGEMENT, large), { ok: true });
    assert.deepEqual(await piv.deleteCertificate(pivKeySlots.KEY_MANAGEMENT), { ok: true });
    assert.deepEqual(await piv.readCertificate(pivKeySlots.KEY_MANAGEMENT), { ok: false, reason: 'not-found' });
  });

  it('retired slots map to their own containers', async () => {
    const { piv } = await fx.newCard();
    assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey()), { ok: true });
    assert.deepEqual(await piv.writeCertificate(pivKeySlots.RETIRED_20, large), { ok: true });
    const direct = await piv.getData(0x5fc120);
    assert.ok(direct.ok && direct.value[0] === 0x70);
    assert.deepEqual(await piv.readCertificate(pivKeySlots.RETIRED_1), { ok: false, reason: 'not-found' });
  });

  it('PIN-protected containers say security-status until the PIN is verified', async () => {
    const { piv } = await fx.newCard();
    assert.deepEqual(await piv.getData(pivObjects.PRINTED_INFORMATION), { ok: false, reason: 'security-status' });
    assert.deepEqual(await piv.getData(pivObjects.FACIAL_IMAGE), { ok: false, reason: 'security-status' });
    assert.deepEqual(await piv.verifyPin('123456'), { ok: true });
    assert.deepEqual(await piv.getData(pivObjects.PRINTED_INFORMATION), { ok: false, reason: 'not-found' });
  });

  it('writes and reads a CHUID and the discovery object', async () => {
    const { piv } = await fx.newCard();
    const chuid = Buffer.from('3019d4e739da739ced39ce739d836858210842108421c84210c3eb3410' + '00112233445566778899aabbccddeeff' + '350832303330303130313e00fe00', 'hex');
    assert.deepEqual(await piv.putData(pivObjects.CHUID, chuid), { ok: false, reason: 'security-status' });
    assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey()), { ok: true });
    assert.deepEqual(await piv.putData(pivObjects.CHUID, chuid), { ok: true });
    const r = await piv.getData(pivObjects.CHUID);
    assert.ok(r.ok);
    assert.deepEqual(Buffer.from(r.value), chuid);
    const d = await piv.getData(pivObjects.DISCOVERY);
    assert.ok(d.ok && d.value[0] === 0x4f, 'discovery starts with the PIV AID (tag 4F)');
  });

  it('a container above the card capacity is refused with no-space, nothing written', async () => {
    const { piv } = await fx.newCard();
    assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey()), { ok: true });
    const r = await piv.putData(pivObjects.KEY_HISTORY, new Uint8Array(4000).fill(0x41));
    assert.deepEqual(r, { ok: false, reason: 'no-space' });
    assert.deepEqual(await piv.getData(pivObjects.KEY_HISTORY), { ok: false, reason: 'not-found' });
  });

  it('refuses to write bytes that are not a certificate', async () => {
    const { piv } = await fx.newCard();
    await assert.rejects(piv.writeCertificate(pivKeySlots.AUTHENTICATION, Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00)), (e: unknown) => isCardError(e, 'card_argument_invalid'));
  });
});
