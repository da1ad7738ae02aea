// Issuance end to end, through real pcscd: manufacture a blank firmware-sim
// card, enrol a citizen, personalise the card over PC/SC, then with
// unmodified tools — pkcs15-tool -D shows the citizen's certificate, openssl
// verify accepts it against the CA, yubico-piv-tool's 9A attestation
// verifies against the manufacturer root, pkcs11-tool --login --sign with
// the citizen's chosen PIN makes a signature openssl verifies — and revoking
// the card makes `openssl ocsp` against the service's /pki/ocsp say revoked.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createCrlPublisher, pkiCodes } from '../../pki/index.js';
import { PcscReaders } from '../../src/card/pcsc/readers.js';
import { createApp } from '../../src/http/app.js';
import { httpCodes } from '../../src/http/codes.js';
import { pkiRoutes } from '../../src/http/routes/pki.js';
import { registryRevokedList, registryStatusLookup } from '../../src/issuance/adapters/cert-status.js';
import { enrolCitizen } from '../../src/issuance/enrol-citizen.js';
import { createIssuanceEngine } from '../../src/issuance/engine/run-job.js';
import { revokeCard } from '../../src/issuance/lifecycle/change-status.js';
import { MemoryIssuanceRegistry } from '../../src/issuance/store/memory-registry.js';
import { silentLogger } from '../../src/util/log.js';
import { OPENSC_PKCS11, acquireReader, runTool, startSimCard, type ReaderLease, type SimCardProcess } from '../support/pcsc.js';
import {
  TestApprovals,
  attestationCertOf,
  blankCard,
  capturingPukDisplay,
  makeFixture,
  officer,
  scriptedPinPad,
  supervisor,
  type IssuanceFixture,
} from '../issuance/support/fixture.js';
import { localCardholder } from '../../src/issuance/cardholder/local.js';

const CITIZEN_PIN = '250871';

async function tool(cmd: string, args: string[], input?: string): Promise<string> {
  const r = await runTool(cmd, args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `${cmd} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

describe('e2e issuance: personalise over PC/SC, check with OpenSC, yubico-piv-tool, openssl', function () {
  this.timeout(180_000);
  let f: IssuanceFixture;
  let registry: MemoryIssuanceRegistry;
  let lease: ReaderLease;
  let sim: SimCardProcess;
  let serial: number;
  let certPem: string;
  const ocspServer: { close?: () => Promise<void>; base?: string } = {};

  before(async () => {
    registry = new MemoryIssuanceRegistry();
    f = await makeFixture({ registry });
    const card = await blankCard(f);
    serial = card.serial;
    lease = await acquireReader();
    sim = await startSimCard({ cardFile: card.file, port: lease.port });

    await enrolCitizen(f.deps, { nationalId: 'E2E0000001', surname: 'Muller', givenName: 'Anne', birthDate: '1990-01-01' }, officer);
    const readers = await PcscReaders.open();
    try {
      const channel = await readers.connect(lease.readerName);
      registry.addStock(card.serial, await attestationCertOf(channel));
      const engine = createIssuanceEngine(f.deps);
      const r = await engine.personalise({
        channel,
        nationalId: 'E2E0000001',
        actor: officer,
        cardholder: localCardholder(channel, scriptedPinPad(CITIZEN_PIN), capturingPukDisplay()),
      });
      assert.equal(r.status, 'active');
      await channel.close({ disposition: 'reset' });
    } finally {
      await readers.close();
    }
    const cert = (await registry.certificatesOf(card.serial))[0]!;
    const job = [...registry.jobs.values()].find((j) => j.cardSerial === card.serial)!;
    const der = Buffer.from(job.data.certificates!.find((c) => c.serialHex === cert.serialHex)!.der, 'base64');
    certPem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
    writeFileSync(join(f.dir, 'registered.pem'), certPem);
    writeFileSync(join(f.dir, 'root.pem'), f.ca.root.pem);
    writeFileSync(join(f.dir, 'issuing.pem'), f.ca.issuing.pem);
    writeFileSync(join(f.dir, 'factory-root.pem'), f.factoryRootPem);
  });

  after(async () => {
    await ocspServer.close?.();
    await sim?.stop();
    await lease?.release();
    await f?.cleanup();
  });

  it('pkcs15-tool -D shows the citizen’s certificate; the certificate on the card is the registered one', async () => {
    const out = await tool('pkcs15-tool', ['--reader', lease.readerName, '-D']);
    assert.match(out, /X\.509 Certificate \[Certificate for PIV Authentication\]/);
    assert.match(out, /Private EC Key \[PIV AUTH key\]/);
    const pem = await tool('pkcs15-tool', ['--reader', lease.readerName, '--read-certificate', '01']);
    const onCard = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0];
    const text = await tool('openssl', ['x509', '-noout', '-subject', '-serial'], onCard);
    assert.match(text, /serialNumber *= *PNOLU-E2E0000001/);
    assert.match(text, /CN *= *"?MULLER,ANNE/i);
    const registered = await tool('openssl', ['x509', '-noout', '-serial', '-in', join(f.dir, 'registered.pem')]);
    assert.equal(text.match(/serial=\w+/)![0], registered.match(/serial=\w+/)![0]);
  });

  it('openssl verify accepts the certificate against the national CA', async () => {
    const out = await tool('openssl', ['verify', '-CAfile', join(f.dir, 'root.pem'), '-untrusted', join(f.dir, 'issuing.pem'), join(f.dir, 'registered.pem')]);
    assert.match(out, /registered\.pem: OK/);
  });

  it('yubico-piv-tool -a attest -s 9a verifies against the manufacturer root', async () => {
    const attest = await tool('yubico-piv-tool', ['-r', lease.readerName, '-a', 'attest', '-s', '9a']);
    const f9 = await tool('yubico-piv-tool', ['-r', lease.readerName, '-a', 'read-certificate', '-s', 'f9']);
    const pem = (s: string) => s.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0] + '\n';
    writeFileSync(join(f.dir, 'attest-9a.pem'), pem(attest));
    writeFileSync(join(f.dir, 'f9.pem'), pem(f9));
    const out = await tool('openssl', ['verify', '-CAfile', join(f.dir, 'factory-root.pem'), '-untrusted', join(f.dir, 'f9.pem'), join(f.dir, 'attest-9a.pem')]);
    assert.match(out, /attest-9a\.pem: OK/);
    // The attested key is the certified key.
    const a = await tool('openssl', ['x509', '-noout', '-pubkey', '-in', join(f.dir, 'attest-9a.pem')]);
    const c = await tool('openssl', ['x509', '-noout', '-pubkey', '-in', join(f.dir, 'registered.pem')]);
    assert.equal(a, c);
  });

  it('pkcs11-tool --login --sign with the citizen’s PIN makes a signature openssl verifies', async () => {
    const list = await tool('pkcs11-tool', ['--module', OPENSC_PKCS11, '-L']);
    const slots = [...list.matchAll(/^Slot (\d+) \([^)]*\): (.*)$/gm)];
    const index = slots.findIndex((m) => m[2]!.trim() === lease.readerName);
    assert.ok(index >= 0, list);
    // OpenSC takes the token serial from our CHUID GUID (FASC-N agency 9999): the card UUID.
    const uuidHex = (await registry.getCard(serial as never))!.uuid.replace(/-/g, '');
    const section = list.split(/^Slot /m).find((x) => x.includes(lease.readerName))!;
    assert.match(section, new RegExp(`serial num\\s+: ${uuidHex.slice(16)}`, 'i'));
    assert.match(section, /token label\s+: MULLER,ANNE/i);
    const digest = createHash('sha256').update('cardauth issuance acceptance').digest();
    writeFileSync(join(f.dir, 'digest.bin'), digest);
    await tool('pkcs11-tool', [
      '--module', OPENSC_PKCS11, '--slot-index', String(index), '--login', '--pin', CITIZEN_PIN,
      '--sign', '--mechanism', 'ECDSA', '--id', '01', '--signature-format', 'openssl',
      '--input-file', join(f.dir, 'digest.bin'), '--output-file', join(f.dir, 'sig.der'),
    ]);
    await tool('openssl', ['x509', '-in', join(f.dir, 'registered.pem'), '-pubkey', '-noout', '-out', join(f.dir, 'pub.pem')]);
    const v = await tool('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', join(f.dir, 'pub.pem'), '-in', join(f.dir, 'digest.bin'), '-sigfile', join(f.dir, 'sig.der')]);
    assert.match(v, /Signature Verified Successfully/);
    // The factory PIN no longer works.
    const wrong = await runTool('pkcs11-tool', ['--module', OPENSC_PKCS11, '--slot-index', String(index), '--login', '--pin', '123456', '--sign', '--mechanism', 'ECDSA', '--id', '01', '--input-file', join(f.dir, 'digest.bin'), '--output-file', join(f.dir, 'sig2.der')]);
    assert.notEqual(wrong.code, 0);
  });

  it('revoking the card makes openssl ocsp report the certificate revoked', async () => {
    const now = () => new Date();
    const ocsp = f.ca.createOcspResponder({ status: registryStatusLookup(registry), cacheSeconds: 300 });
    const crl = createCrlPublisher({ createCrl: (o) => f.ca.createCrl(o), entries: registryRevokedList(registry, now), now, refreshSeconds: 600 });
    const app = createApp({ routes: pkiRoutes({ root: f.ca.root, issuing: f.ca.issuing, crl, ocsp }), logger: silentLogger, errorCodes: { ...httpCodes, ...pkiCodes } });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    ocspServer.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ocspServer.close = () => new Promise<void>((r) => server.close(() => r()));
    const ask = () =>
      tool('openssl', ['ocsp', '-issuer', join(f.dir, 'issuing.pem'), '-cert', join(f.dir, 'registered.pem'), '-url', `${ocspServer.base}/pki/ocsp`, '-CAfile', join(f.dir, 'root.pem'), '-no_nonce']);
    assert.match(await ask(), /registered\.pem: good/);
    await revokeCard({ registry, clock: f.deps.clock, approvals: new TestApprovals(), publication: { invalidate: () => { ocsp.invalidate(); crl.invalidate(); } } }, serial as never, 'cessationOfOperation', supervisor);
    const out = await ask();
    assert.match(out, /registered\.pem: revoked/);
    assert.match(out, /Reason: cessationOfOperation/);
  });
});
