// Signing acceptance, end to end through real pcscd: a citizen's card
// personalised by the issuance engine WITH the signature key (9C, card-sign,
// PIN always), over PC/SC, on the PostgreSQL registry the service reads; an
// RP asks over HTTP for the signature of a PDF (and of a document's digest);
// the citizen signs at `cardauth terminal sign --reader` (a child process,
// PIN on standard input); Debian's pdfsig and `openssl cms -verify` accept
// the results and `cardauth sign verify` agrees, with the signer's status
// from the service's own OCSP responder. Then the card is revoked through the
// issuance lifecycle: a new signature is refused (card_revoked) while the
// old one still validates, as made — time-stamped — before the revocation.
import { localCardholder } from '../../src/issuance/cardholder/local.js';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { createCrlPublisher } from '../../pki/index.js';
import { PcscReaders } from '../../src/card/pcsc/index.js';
import { errorRegistry } from '../../src/composition/error-registry.js';
import { createApp } from '../../src/http/app.js';
import { pkiRoutes } from '../../src/http/routes/pki.js';
import { createSignRouteSet } from '../../src/http/routes/sign.js';
import { registryRevokedList, registryStatusLookup } from '../../src/issuance/adapters/cert-status.js';
import { enrolCitizen } from '../../src/issuance/enrol-citizen.js';
import { createIssuanceEngine } from '../../src/issuance/engine/run-job.js';
import { revokeCard } from '../../src/issuance/lifecycle/change-status.js';
import { sqlIssuanceRegistry } from '../../src/issuance/store/sql-registry.js';
import { receiveStock } from '../../src/registry/index.js';
import { createRpAuthenticator } from '../../src/rp/authenticate.js';
import { readPdfSignature } from '../../src/sign/pdf/read-pdf-signature.js';
import { MemoryStore } from '../../src/store/memory.js';
import { systemClock } from '../../src/util/clock.js';
import { createLogger } from '../../src/util/log.js';
import { addRp, LogCapture, openRegistry, peppers, type Registry } from '../auth/support/fixture.js';
import {
  TestApprovals,
  attestationCertOf,
  blankCard,
  capturingPukDisplay,
  makeFixture,
  officer,
  openCard,
  scriptedPinPad,
  supervisor,
  type IssuanceFixture,
} from '../issuance/support/fixture.js';
import { makePdf } from '../sign/pdf-fixture.js';
import { tool, writeTemp } from '../sign/support.js';
import { acquireReader, startSimCard, type ReaderLease, type SimCardProcess } from '../support/pcsc.js';
import { cardauth } from '../support/run-bin.js';

const TERMINAL = 'notary-desk-2';
const CITIZEN_PIN = '591736';
const TITLE = 'Sale contract, plot 114, Kandal';
const SUMMARY = 'Sale of plot 114 to Sokha Lim\nPrice 80,000.00 USD';

describe('e2e signing acceptance through pcscd: card with a signature key, PDF signed at the terminal, pdfsig, openssl, cardauth sign verify, revocation', function () {
  this.timeout(300_000);
  let reg: Registry;
  let f: IssuanceFixture;
  let http: Server;
  let base: string;
  let rpKey: string;
  let lease: ReaderLease;
  let sim: SimCardProcess;
  let serial: number;
  let invalidate: () => void;
  let log: LogCapture;
  let root: string;
  let signedPdf: string;
  let detachedSig: string;
  const approvals = new TestApprovals();
  const document = Buffer.from('Sale contract, plot 114, Kandal province. Price 80,000.00 USD.\n');

  before(async () => {
    reg = await openRegistry();
    f = await makeFixture({ registry: sqlIssuanceRegistry(reg.db) });
    log = new LogCapture();
    const logger = createLogger({ sink: log, level: 'debug' });
    const store = new MemoryStore();
    const registry = sqlIssuanceRegistry(reg.db);
    const ocsp = f.ca.createOcspResponder({ status: registryStatusLookup(registry) });
    const crl = createCrlPublisher({ createCrl: (o) => f.ca.createCrl(o), entries: registryRevokedList(registry, () => new Date()), now: () => new Date() });
    invalidate = () => {
      ocsp.invalidate();
      crl.invalidate();
    };
    const authenticator = createRpAuthenticator({ sql: reg.db, apiPepper: peppers.apiSecret, clock: systemClock, log: logger, cacheTtlMs: 0 });
    const sign = createSignRouteSet({ sql: reg.db, store, ca: f.ca, authenticator, requestTtlSeconds: 120, log: logger });
    const app = createApp({ routes: [...pkiRoutes({ root: f.ca.root, issuing: f.ca.issuing, crl, ocsp }), ...sign.routes], logger, errorCodes: errorRegistry });
    http = app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => http.once('listening', () => r()));
    base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
    root = writeTemp(f.dir, 'national-root.pem', f.ca.root.pem);

    // Issuance office: enrol, take a blank card into stock, personalise it over PC/SC with the signature key.
    await enrolCitizen(f.deps, { nationalId: 'KH0591736', surname: 'Chan', givenName: 'Sreymom', birthDate: '1988-07-30' }, officer);
    const blank = await blankCard(f);
    serial = blank.serial;
    {
      const { channel } = await openCard(blank.file);
      await receiveStock(reg.db, { serial: blank.serial, manufacturer: 'firmware-sim', attestationCertDer: await attestationCertOf(channel) }, 'stock-clerk', new Date());
      await channel.close();
    }
    lease = await acquireReader();
    sim = await startSimCard({ cardFile: blank.file, port: lease.port });
    const readers = await PcscReaders.open();
    try {
      const channel = await readers.connect(sim.readerName, { shareMode: 'exclusive' });
      const r = await createIssuanceEngine(f.deps).personalise({
        channel,
        nationalId: 'KH0591736',
        options: { signatureKey: true },
        actor: officer,
        cardholder: localCardholder(channel, scriptedPinPad(CITIZEN_PIN), capturingPukDisplay()),
      });
      assert.equal(r.status, 'active');
      await channel.close({ disposition: 'reset' });
    } finally {
      await readers.close();
    }
    const rp = await addRp(reg.db, { name: 'Kandal Land Office', terminals: [TERMINAL] });
    rpKey = rp.credential.token;
  });

  after(async () => {
    await sim?.stop().catch(() => undefined);
    await lease?.release();
    await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
    await f?.cleanup();
    await reg?.close();
  });

  async function ask(doc: Record<string, unknown>): Promise<string> {
    const res = await fetch(`${base}/v1/sign/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rpKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ terminalId: TERMINAL, title: TITLE, summary: SUMMARY, document: doc }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    return ((await res.json()) as { id: string }).id;
  }
  const terminalSign = (id: string, out: string) =>
    cardauth(['terminal', 'sign', '--reader', sim.readerName, '--server', base, '--request', id, '--terminal-id', TERMINAL, '--out', out, '--card-timeout', '30'], { CARDAUTH_RP_KEY: rpKey }, `${CITIZEN_PIN}\n`);
  const verify = (args: string[]) => cardauth(['sign', 'verify', ...args, '--root', root, '--ocsp', `${base}/pki/ocsp`], {});

  it('the RP asks for a PDF signature; the citizen signs at the terminal with the PIN; pdfsig and openssl cms -verify accept it', async () => {
    const id = await ask({ pdf: makePdf({ text: TITLE }).toString('base64') });
    signedPdf = join(f.dir, 'contract-signed.pdf');
    const r = await terminalSign(id, signedPdf);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Requested by: Kandal Land Office/);
    assert.match(r.stdout, /Document: +Sale contract, plot 114, Kandal/);
    assert.match(r.stdout, /signed: CAdES B-T \(PAdES\)/);
    const ps = await tool('pdfsig', [signedPdf]);
    assert.equal(ps.code, 0, ps.stderr);
    assert.match(ps.stdout, /Signature Type: ETSI\.CAdES\.detached/);
    assert.match(ps.stdout, /Total document signed/);
    assert.match(ps.stdout, /Signature Validation: Signature is Valid\./);
    assert.match(ps.stdout, /Signer Certificate Common Name: CHAN,SREYMOM/);
    assert.match(ps.stdout, /serialNumber=PNO[A-Z]{2}-KH0591736/);
    // The PDF's CMS over its signed byte ranges, for openssl.
    const sig = readPdfSignature(readFileSync(signedPdf));
    const o = await tool('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', writeTemp(f.dir, 'pdf.p7s', sig.cms), '-content', writeTemp(f.dir, 'pdf-ranges.bin', sig.signedContent), '-CAfile', root, '-out', '/dev/null']);
    assert.equal(o.code, 0, o.stderr);
    assert.ok(!(r.stdout + r.stderr + log.text()).includes(CITIZEN_PIN), 'the PIN is in no output and no service log');
  });

  it('a detached signature of a document\'s digest: openssl cms -verify accepts it with the document', async () => {
    const id = await ask({ sha256: createHash('sha256').update(document).digest('hex') });
    detachedSig = join(f.dir, 'contract.p7s');
    const r = await terminalSign(id, detachedSig);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const o = await tool('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', detachedSig, '-content', writeTemp(f.dir, 'contract.txt', document), '-CAfile', root, '-out', '/dev/null']);
    assert.equal(o.code, 0, o.stderr);
  });

  it('cardauth sign verify agrees: valid, time-stamped, the certificate good at the service\'s OCSP responder', async () => {
    const r = await verify([signedPdf]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /signature VALID \(CAdES B-T, PAdES\)/);
    assert.match(r.stdout, /certificate status: good/);
    const d = await verify([writeTemp(f.dir, 'contract2.txt', document), '--detached', detachedSig]);
    assert.equal(d.code, 0, d.stdout + d.stderr);
  });

  it('after the card is revoked a new signature is refused, and the old one still validates as made before the revocation', async () => {
    await new Promise((r) => setTimeout(r, 1100)); // the revocation's whole second after the time-stamps'
    await revokeCard({ registry: f.deps.registry, clock: systemClock, approvals }, serial as never, 'affiliationChanged', supervisor);
    invalidate();
    const id = await ask({ pdf: makePdf({ text: 'Another contract' }).toString('base64') });
    const r = await terminalSign(id, join(f.dir, 'refused.pdf'));
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^error: card_revoked$/m);
    const old = await verify([signedPdf]);
    assert.equal(old.code, 0, old.stdout + old.stderr);
    assert.match(old.stdout, /certificate status: revoked on .* after the signature was made: the signature stays valid/);
    const ps = await tool('pdfsig', [signedPdf]);
    assert.match(ps.stdout, /Signature Validation: Signature is Valid\./);
  });
});
