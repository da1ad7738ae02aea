// The sign-request flow through the HTTP API with real peers: the national CA
// with its TSA, PostgreSQL (relying parties, cards and certificates), the
// in-process store, and a firmware-sim card signing with its 9C key in this
// process. The containers that come back are checked with openssl, pdfsig
// and the project's validator.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { pkiCardVerifier } from '../../src/auth/adapters/pki-verifier.js';
import { errorRegistry } from '../../src/composition/error-registry.js';
import { createApp, type HttpApp } from '../../src/http/app.js';
import { signRoutes } from '../../src/http/routes/sign.js';
import { setCertificatesStatus } from '../../src/registry/index.js';
import { createRpAuthenticator } from '../../src/rp/authenticate.js';
import { pkiSignerVerifier } from '../../src/sign/adapters/pki-signer-verifier.js';
import { registrySignStatus } from '../../src/sign/adapters/registry-sign-status.js';
import { signingFailureReasons } from '../../src/sign/codes.js';
import type { SignDeps } from '../../src/sign/flow/deps.js';
import { requestSignedAttributes, requestSigningInput } from '../../src/sign/flow/request-signing-input.js';
import type { PresentedSignRequest } from '../../src/sign/flow/types.js';
import { MAX_PDF_BYTES } from '../../src/sign/pdf/limits.js';
import { verifyPdf } from '../../src/sign/verify/verify-pdf.js';
import { verifySignature } from '../../src/sign/verify/verify-signature.js';
import { MemoryStore } from '../../src/store/memory.js';
import { FixedClock } from '../../src/util/clock.js';
import { createLogger } from '../../src/util/log.js';
import { AuthFailure } from '../../src/auth/codes.js';
import { addRp, LogCapture, makeCa, openRegistry, peppers, type Registry, type TestCa } from '../auth/support/fixture.js';
import { makePdf } from './pdf-fixture.js';
import { cardSigner, registerSigningCard, signingCard, tempDir, tool, writeTemp, type SigningCard } from './support.js';

const DOC = Buffer.from('Mortgage contract 2026/77: 120,000,000.00 KHR over 20 years\n');
const TITLE = 'Mortgage contract 2026/77';
const SUMMARY = 'Loan of 120,000,000.00 KHR\nRepaid monthly over 20 years';

describe('sign HTTP API (real CA + TSA, PostgreSQL, firmware-sim card)', function () {
  this.timeout(120_000);
  let ca: TestCa;
  let reg: Registry;
  let tmp: ReturnType<typeof tempDir>;
  let card: SigningCard;
  let clock: FixedClock;
  let app: HttpApp;
  let log: LogCapture;
  let deps: SignDeps;
  let rp: Awaited<ReturnType<typeof addRp>>;

  before(async () => {
    [ca, reg] = await Promise.all([makeCa(), openRegistry()]);
    tmp = tempDir('cardauth-sign-http-');
    card = await signingCard(ca.ca, tmp.dir);
    await registerSigningCard(reg.db, card);
  });
  after(async () => {
    tmp?.cleanup();
    await reg?.close();
    await ca?.cleanup();
  });
  beforeEach(async () => {
    clock = new FixedClock(new Date());
    log = new LogCapture();
    const logger = createLogger({ sink: log, level: 'debug' });
    const store = new MemoryStore(clock);
    deps = {
      store,
      verifier: pkiSignerVerifier({ root: ca.ca.root, issuing: ca.ca.issuing }),
      status: registrySignStatus(reg.db),
      timestamper: ca.ca.tsa,
      chain: [ca.ca.issuing.der],
      clock,
      log: logger,
      requestTtlSeconds: 120,
    };
    const authenticator = createRpAuthenticator({ sql: reg.db, apiPepper: peppers.apiSecret, clock, log: logger, cacheTtlMs: 0 });
    app = createApp({ routes: signRoutes({ sign: deps, authenticator, store, tsa: ca.ca.tsa }), logger, errorCodes: errorRegistry });
    rp = await addRp(reg.db);
  });

  async function create(body: Record<string, unknown>, bearer = rp.bearer) {
    return request(app).post('/v1/sign/requests').set('Authorization', bearer).send(body);
  }
  async function created(document: Record<string, unknown> = { sha256: createHash('sha256').update(DOC).digest('hex') }): Promise<PresentedSignRequest> {
    const r = await create({ terminalId: 'atm-1', title: TITLE, summary: SUMMARY, document });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as PresentedSignRequest;
  }

  /** What the terminal does: rebuild the input from what it shows, build the attributes, have the card sign. */
  async function terminalSigns(p: PresentedSignRequest, opts: { cert?: 'auth' | 'sign'; title?: string } = {}) {
    const fields = { rpId: p.rpId, rpName: p.rpName, nonce: p.nonce, terminalId: p.terminalId, title: opts.title ?? p.title, summary: p.summary, documentSha256: p.document.sha256 };
    const input = requestSigningInput(fields).input;
    const certDer = card[opts.cert ?? 'sign'].der;
    const attrs = requestSignedAttributes({ ...fields, container: p.container, signingTime: new Date(p.signingTime) }, input, certDer);
    const signer = await cardSigner(card);
    try {
      // The 9A key is reachable through the same card; used here to prove the service refuses it.
      const sig = opts.cert === 'auth' ? await signWith9A(attrs.digest) : await signer.signDigest(attrs.digest);
      return { terminalId: p.terminalId, certificate: certDer.toString('base64'), signature: Buffer.from(sig).toString('base64') };
    } finally {
      await signer.close();
    }
  }
  async function signWith9A(digest: Uint8Array): Promise<Uint8Array> {
    const { openInProcessChannel } = await import('../../src/card/in-process.js');
    const { PivClient } = await import('../../src/card/piv/client.js');
    const ch = await openInProcessChannel(card.card);
    try {
      const o = await PivClient.open(ch);
      assert.ok(o.ok);
      const r = await o.client.verifyPinAndSign(Buffer.from('482915'), 0x9a, 'ECCP256', digest);
      assert.ok(r.ok);
      return r.signature;
    } finally {
      await ch.close({ disposition: 'reset' });
    }
  }
  const respond = (id: string, body: Record<string, unknown>, bearer = rp.bearer) => request(app).post(`/v1/sign/requests/${id}/response`).set('Authorization', bearer).send(body);
  const reasonLogged = (reason: string) => log.records().some((r) => r['msg'] === 'document signature refused' && r['reason'] === reason);

  it('a digest: the citizen signs at the terminal, the RP gets a CAdES-B-T that openssl and the validator accept, bound to the request', async () => {
    const p = await created();
    assert.equal(p.container, 'cades');
    assert.equal(p.signingInput.domain, 'cardauth/v2');
    assert.equal(p.rpName, rp.rp.name);
    const r = await respond(p.id, await terminalSigns(p));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.level, 'B-T');
    assert.equal(r.body.signer.certSerial, card.sign.serialHex);
    assert.equal(r.body.signer.cardSerial, String(card.serial));
    const cms = Buffer.from(r.body.cms as string, 'base64');
    const v = await tool('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', writeTemp(tmp.dir, 'flow.p7s', cms), '-content', writeTemp(tmp.dir, 'flow.txt', DOC), '-CAfile', writeTemp(tmp.dir, 'root.pem', ca.ca.root.pem), '-out', '/dev/null']);
    assert.equal(v.code, 0, v.stderr);
    const mine = await verifySignature(cms, { data: DOC }, { root: ca.ca.root.der });
    assert.equal(mine.title, TITLE);
    assert.equal(mine.contentIdentifier!.toString('hex'), p.signingInput.input);
    // GET: completed with the same containers; the request is single use.
    const s = await request(app).get(`/v1/sign/requests/${p.id}`).set('Authorization', rp.bearer);
    assert.equal(s.body.status, 'completed');
    assert.equal(s.body.cms, r.body.cms);
    const again = await respond(p.id, await terminalSigns(p));
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'sign_request_used');
    // Logged with the digest, never the document.
    const done = log.records().find((l) => l['msg'] === 'document signed')!;
    assert.equal(done['documentSha256'], createHash('sha256').update(DOC).digest('hex'));
    assert.ok(!log.text().includes(DOC.toString('base64')) && !log.text().includes('Mortgage contract 2026/77: 120'));
  });

  it('a PDF: the RP gets the signed PDF (pdfsig: valid) and the validator agrees; the PDF never reaches the log', async () => {
    const pdf = makePdf({ text: 'Mortgage contract 2026/77' });
    const p = await created({ pdf: pdf.toString('base64') });
    assert.equal(p.container, 'pades');
    assert.equal(p.document.pdfSha256, createHash('sha256').update(pdf).digest('hex'));
    const r = await respond(p.id, await terminalSigns(p));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const signed = Buffer.from(r.body.pdf as string, 'base64');
    const ps = await tool('pdfsig', [writeTemp(tmp.dir, 'flow.pdf', signed)]);
    assert.match(ps.stdout, /Signature Validation: Signature is Valid\./);
    assert.match(ps.stdout, /Total document signed/);
    const v = await verifyPdf(signed, { root: ca.ca.root.der });
    assert.equal(v.level, 'B-T');
    assert.equal(v.contentIdentifier!.toString('hex'), p.signingInput.input);
    assert.ok(!log.text().includes(pdf.toString('base64').slice(0, 64)));
  });

  it('the authentication key (9A) is refused for signing: signing_failed, reason certificate_wrong_purpose', async () => {
    const p = await created();
    const r = await respond(p.id, await terminalSigns(p, { cert: 'auth' }));
    assert.equal(r.status, 401);
    assert.equal(r.body.code, 'signing_failed');
    assert.ok(reasonLogged('certificate_wrong_purpose'));
  });

  it('and authentication refuses the signature certificate (9C): wrong purpose', async () => {
    const verifier = pkiCardVerifier({ root: ca.ca.root, issuing: ca.ca.issuing });
    await assert.rejects(verifier.verify(card.sign.der, new Date()), (e) => e instanceof AuthFailure && e.reason === 'certificate_wrong_purpose');
    assert.ok(await verifier.verify(card.auth.der, new Date()));
  });

  it('a signature over anything but what was shown (another title) is refused: signing_failed, signature_invalid', async () => {
    const p = await created();
    const r = await respond(p.id, await terminalSigns(p, { title: 'Something else' }));
    assert.equal(r.body.code, 'signing_failed');
    assert.ok(reasonLogged('signature_invalid'));
    const s = await request(app).get(`/v1/sign/requests/${p.id}`).set('Authorization', rp.bearer);
    assert.deepEqual(s.body, { status: 'failed', code: 'signing_failed' });
  });

  it('terminal binding, other RPs, expiry, cancellation', async () => {
    const p = await created();
    const body = await terminalSigns(p);
    const wrongTerminal = await respond(p.id, { ...body, terminalId: 'atm-2' });
    assert.equal(wrongTerminal.body.code, 'sign_request_terminal_mismatch');
    const q = await created();
    const other = await addRp(reg.db);
    assert.equal((await respond(q.id, await terminalSigns(q), other.bearer)).body.code, 'sign_request_not_found');
    assert.equal((await request(app).get(`/v1/sign/requests/${q.id}`).set('Authorization', other.bearer)).status, 404);
    clock.advance(121_000);
    assert.equal((await respond(q.id, await terminalSigns(q))).body.code, 'sign_request_expired');
    clock.advance(-121_000);
    const c = await created();
    assert.equal((await request(app).delete(`/v1/sign/requests/${c.id}`).set('Authorization', rp.bearer)).status, 204);
    assert.equal((await respond(c.id, await terminalSigns(c))).body.code, 'sign_request_used');
    assert.deepEqual((await request(app).get(`/v1/sign/requests/${c.id}`).set('Authorization', rp.bearer)).body, { status: 'failed', code: 'sign_request_cancelled' });
  });

  it('card status fails closed: revoked → card_revoked; registry down → 503 and the request is put back, then the same signature completes it', async () => {
    const p = await created();
    const body = await terminalSigns(p);
    const real = deps.status;
    (deps as { status: SignDeps['status'] }).status = { byCertificateSerial: async () => Promise.reject(new Error('registry down')) };
    const down = await respond(p.id, body);
    assert.equal(down.status, 503);
    assert.equal((await request(app).get(`/v1/sign/requests/${p.id}`).set('Authorization', rp.bearer)).body.status, 'pending');
    (deps as { status: SignDeps['status'] }).status = real;
    assert.equal((await respond(p.id, body)).status, 200);

    const other = await signingCard(ca.ca, tmp.dir);
    await registerSigningCard(reg.db, other);
    await setCertificatesStatus(reg.db, other.serial, ['good'], { status: 'revoked', reason: 'keyCompromise' }, { actor: 'test', action: 'card.revoke' }, new Date());
    const q = await created();
    const saved = card;
    card = other;
    try {
      const r = await respond(q.id, await terminalSigns(q));
      assert.equal(r.status, 401);
      assert.equal(r.body.code, 'card_revoked');
    } finally {
      card = saved;
    }
  });

  it('bad input: digest of the wrong length, PDF over the limit or malformed, text that cannot be shown, rate limits', async () => {
    const bad = async (document: Record<string, unknown>, code: string, status: number, extra: Record<string, unknown> = {}) => {
      const r = await create({ terminalId: 'atm-1', title: TITLE, summary: SUMMARY, document, ...extra });
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.body.code, code);
    };
    await bad({ sha256: 'ab'.repeat(20) }, 'sign_digest_invalid', 400);
    await bad({ sha256: 'AB'.repeat(32) }, 'sign_digest_invalid', 400);
    await bad({ pdf: makePdf({ padTo: MAX_PDF_BYTES + 10 }).toString('base64') }, 'pdf_too_large', 413);
    await bad({ pdf: Buffer.from('not a pdf at all').toString('base64') }, 'pdf_malformed', 422);
    await bad({ pdf: makePdf({ xref: 'stream' }).toString('base64') }, 'pdf_unsupported', 422);
    await bad({ sha256: 'ab'.repeat(32) }, 'invalid_request', 400, { title: 'line one\nline two' });
    await bad({ sha256: 'ab'.repeat(32) }, 'invalid_request', 400, { title: 'Pay \u202Eevil' });
    await bad({ sha256: 'ab'.repeat(32) }, 'terminal_unknown', 403, { terminalId: 'atm-9' });
    const limited = await addRp(reg.db, { terminalRatePerMinute: 2 });
    for (let i = 0; i < 2; i++) assert.equal((await create({ terminalId: 'atm-1', title: TITLE, summary: SUMMARY, document: { sha256: 'ab'.repeat(32) } }, limited.bearer)).status, 201);
    const third = await create({ terminalId: 'atm-1', title: TITLE, summary: SUMMARY, document: { sha256: 'ab'.repeat(32) } }, limited.bearer);
    assert.equal(third.status, 429);
    assert.equal(third.body.code, 'rate_limited');
  });

  it('every internal reason reaches the client as signing_failed only', () => {
    assert.ok(signingFailureReasons.length > 5);
    assert.equal(errorRegistry['signing_failed']!.status, 401);
  });

  it('POST /pki/tsa answers openssl ts requests; openssl ts -verify accepts the reply', async () => {
    const data = writeTemp(tmp.dir, 'ts-data.bin', 'stamp me');
    const q = `${tmp.dir}/q.tsq`;
    await tool('openssl', ['ts', '-query', '-data', data, '-sha256', '-cert', '-out', q]);
    const { readFileSync } = await import('node:fs');
    const r = await request(app).post('/pki/tsa').set('content-type', 'application/timestamp-query').send(readFileSync(q)).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'] ?? '', /application\/timestamp-reply/);
    const reply = writeTemp(tmp.dir, 'r.tsr', r.body as Buffer);
    const v = await tool('openssl', ['ts', '-verify', '-queryfile', q, '-in', reply, '-CAfile', writeTemp(tmp.dir, 'root2.pem', ca.ca.root.pem), '-untrusted', writeTemp(tmp.dir, 'issuing.pem', ca.ca.issuing.pem)]);
    assert.equal(v.code, 0, v.stderr);
  });
});
