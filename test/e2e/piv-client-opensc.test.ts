// What the host-side PIV client writes, unmodified OpenSC reads (the
// issuance path: personalise with our client, then any PKCS#11 application
// uses the card). Through pcscd + vpcd with the firmware-sim card process:
// our client generates a P-256 key in 9A, writes a certificate openssl made
// for it, a CHUID and a CCC; then `pkcs11-tool -L` shows the serial from our
// GUID, `pkcs15-tool -D` lists our certificate, and `pkcs11-tool --sign`
// makes a signature that openssl verifies against that certificate.
import assert from 'node:assert/strict';
import { randomBytes, createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manufactureCard } from '../../firmware-sim/index.js';
import { PcscReaders } from '../../src/card/pcsc/index.js';
import { PivClient } from '../../src/card/piv/client.js';
import { encodeChuid, parseChuid } from '../../src/card/piv/chuid.js';
import { encodeCcc } from '../../src/card/piv/ccc.js';
import { factoryDefaults, pivKeySlots, pivObjects } from '../../src/card/piv/constants.js';
import { OPENSC_PKCS11, acquireReader, runTool, startSimCard, type ReaderLease, type SimCardProcess } from '../support/pcsc.js';

async function openssl(args: string[]): Promise<string> {
  const r = await runTool('openssl', args);
  assert.equal(r.code, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('PIV client personalisation read back by OpenSC (pcscd + vpcd)', function () {
  this.timeout(180_000);
  let dir: string;
  let lease: ReaderLease;
  let sim: SimCardProcess;
  let slotIndex: number;
  const guid = new Uint8Array(randomBytes(16));
  const guidHex = Buffer.from(guid).toString('hex');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cardauth-e2e-opensc-'));
    const cardFile = join(dir, 'card.card');
    await manufactureCard({ serial: 8_675_309, out: cardFile, factoryDir: join(dir, 'factory') });
    lease = await acquireReader();
    sim = await startSimCard({ cardFile, port: lease.port });

    const readers = await PcscReaders.open();
    try {
      const piv = new PivClient(await readers.connect(lease.readerName));
      assert.equal((await piv.select()).ok, true);
      assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey()), { ok: true });
      const g = await piv.generateKey(pivKeySlots.AUTHENTICATION, 'ECCP256', { pinPolicy: 'once' });
      assert.ok(g.ok);
      await writeFile(join(dir, 'card.pub.pem'), g.publicKey.export({ type: 'spki', format: 'pem' }));
      // A certificate for the card's key, made by openssl (a test CA; the real profile is pki/'s).
      await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'ca.key'), '-subj', '/CN=Test CA', '-days', '1', '-out', join(dir, 'ca.crt')]);
      await openssl(['req', '-new', '-key', join(dir, 'ca.key'), '-subj', '/CN=DOE,JANE', '-out', join(dir, 'card.csr')]);
      await openssl(['x509', '-req', '-in', join(dir, 'card.csr'), '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'), '-force_pubkey', join(dir, 'card.pub.pem'), '-days', '1', '-outform', 'DER', '-out', join(dir, 'card.der')]);
      const der = new Uint8Array(await readFile(join(dir, 'card.der')));
      assert.deepEqual(await piv.writeCertificate(pivKeySlots.AUTHENTICATION, der), { ok: true });
      assert.deepEqual(await piv.putData(pivObjects.CHUID, encodeChuid({ guid, expiry: '20301231' })), { ok: true });
      assert.deepEqual(await piv.putData(pivObjects.CAPABILITY, encodeCcc(new Uint8Array(randomBytes(14)))), { ok: true });
      const back = await piv.getData(pivObjects.CHUID);
      assert.ok(back.ok);
      assert.deepEqual(parseChuid(back.value).guid, guid);
      await piv.channel.close(); // leave the card as it is for the next application
    } finally {
      await readers.close();
    }

    const list = await runTool('pkcs11-tool', ['--module', OPENSC_PKCS11, '-L']);
    const slots = [...list.stdout.matchAll(/^Slot (\d+) \([^)]*\): (.*)$/gm)];
    const mine = slots.findIndex((m) => m[2]!.trim() === lease.readerName);
    assert.ok(mine >= 0, list.stdout);
    slotIndex = mine;
  });

  after(async () => {
    await sim?.stop();
    await lease?.release();
    await rm(dir, { recursive: true, force: true });
  });

  it('pkcs11-tool -L shows the token with the serial OpenSC derives from our CHUID GUID', async () => {
    const r = await runTool('pkcs11-tool', ['--module', OPENSC_PKCS11, '-L']);
    const section = r.stdout.split(/^Slot /m).find((s) => s.includes(lease.readerName));
    assert.ok(section, r.stdout);
    // With a certificate in 9A, OpenSC names the token after its subject CN.
    assert.match(section, /token label\s+: DOE,JANE/);
    // OpenSC uses the GUID as serial when the FASC-N agency code is 9999; PKCS#11 keeps 16 characters.
    assert.match(section, new RegExp(`serial num\\s+: ${guidHex.slice(16)}`, 'i'));
  });

  it('pkcs15-tool -D lists the certificate our client wrote to 9A', async () => {
    const r = await runTool('pkcs15-tool', ['--reader', lease.readerName, '-D']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /X\.509 Certificate \[Certificate for PIV Authentication\]/);
    assert.match(r.stdout, /Private EC Key \[PIV AUTH key\]/);
  });

  it('pkcs11-tool signs with the key our client generated; openssl verifies against our certificate', async () => {
    const digest = createHash('sha256').update('opensc reads what cardauth wrote').digest();
    await writeFile(join(dir, 'digest.bin'), digest);
    const r = await runTool('pkcs11-tool', [
      '--module', OPENSC_PKCS11, '--slot-index', String(slotIndex), '--login', '--pin', '123456',
      '--sign', '--mechanism', 'ECDSA', '--id', '01', '--signature-format', 'openssl',
      '--input-file', join(dir, 'digest.bin'), '--output-file', join(dir, 'sig.der'),
    ]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    await openssl(['x509', '-inform', 'DER', '-in', join(dir, 'card.der'), '-pubkey', '-noout', '-out', join(dir, 'cert.pub.pem')]);
    const v = await openssl(['pkeyutl', '-verify', '-pubin', '-inkey', join(dir, 'cert.pub.pem'), '-in', join(dir, 'digest.bin'), '-sigfile', join(dir, 'sig.der')]);
    assert.match(v, /Signature Verified Successfully/);
  });
});
