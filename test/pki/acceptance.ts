// The issue-3 acceptance checks with OpenSSL as the independent checker,
// written once and run twice: with the CA keys in encrypted files
// (test/e2e/pki-openssl.test.ts) and in SoftHSM2 (test/e2e/pki-softhsm.test.ts).
// The CA is published by the real HTTP app on a free port of 127.0.0.1.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createCrlPublisher, pkiCodes, type CrlPublisher, type OcspResponder } from '../../pki/index.js';
import { createApp } from '../../src/http/app.js';
import { httpCodes } from '../../src/http/codes.js';
import { pkiRoutes } from '../../src/http/routes/pki.js';
import { silentLogger } from '../../src/util/log.js';
import { cardKey, inYears, openssl, StatusTable, subject, type TestCa } from './helpers.js';

export interface Published {
  readonly base: string;
  readonly server: Server;
  readonly status: StatusTable;
  readonly crl: CrlPublisher;
  readonly ocsp: OcspResponder;
  readonly app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

export async function publish(t: TestCa): Promise<Published> {
  const status = new StatusTable();
  const crl = createCrlPublisher({
    createCrl: (o) => t.ca.createCrl(o),
    entries: status.entries,
    now: () => new Date(),
    refreshSeconds: 600,
  });
  const ocsp = t.ca.createOcspResponder({ status: status.lookup });
  const app = createApp({
    routes: pkiRoutes({ root: t.ca.root, issuing: t.ca.issuing, crl, ocsp }),
    logger: silentLogger,
    errorCodes: { ...httpCodes, ...pkiCodes },
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    server,
    status,
    crl,
    ocsp,
    app,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A registry status change, as the issuance engine will make it: status, then invalidate the published views. */
function change(p: Published, serial: string, s: Parameters<StatusTable['set']>[1]): void {
  p.status.set(serial as never, s);
  p.crl.invalidate();
  p.ocsp.invalidate();
}

async function fetchTo(url: string, file: string): Promise<Buffer> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  const body = Buffer.from(await res.arrayBuffer());
  writeFileSync(file, body);
  return body;
}

/** Registers the acceptance tests in the calling describe(). `get` yields the CA once before() has run. */
export function acceptanceSuite(get: () => { t: TestCa; p: Published }): void {
  const files = () => {
    const { t } = get();
    return {
      root: join(t.dir, 'pki', 'root.crt'),
      issuing: join(t.dir, 'pki', 'issuing.crt'),
      dir: t.dir,
    };
  };

  async function newCard(name: string): Promise<{ file: string; serialHex: string }> {
    const { t, p } = get();
    const c = await t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject, notAfter: inYears(3) });
    const file = join(t.dir, `${name}.pem`);
    writeFileSync(file, c.pem);
    change(p, c.serialHex, { status: 'good' });
    return { file, serialHex: c.serialHex };
  }

  async function crlNumberAndPem(tag: string): Promise<{ number: number; pem: string; text: string }> {
    const { p } = get();
    const der = join(files().dir, `crl-${tag}.der`);
    await fetchTo(`${p.base}/pki/issuing.crl`, der);
    const pem = join(files().dir, `crl-${tag}.pem`);
    const conv = await openssl(['crl', '-inform', 'DER', '-in', der, '-out', pem]);
    assert.equal(conv.code, 0, conv.stderr);
    const text = await openssl(['crl', '-in', pem, '-noout', '-text']);
    const m = /X509v3 CRL Number:\s*\n\s*(\d+)/.exec(text.stdout);
    assert.ok(m, text.stdout);
    return { number: Number(m[1]), pem, text: text.stdout };
  }

  async function ocspUrl(card: string): Promise<string> {
    const { p } = get();
    const f = files();
    const r = await openssl([
      'ocsp', '-issuer', f.issuing, '-cert', card, '-url', `${p.base}/pki/ocsp`,
      '-CAfile', f.root, '-verify_other', f.issuing, '-resp_text',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr + r.stdout, /Response verify OK/);
    return r.stdout;
  }

  it('openssl verify: card → issuing → root', async () => {
    const f = files();
    const card = await newCard('verify');
    const r = await openssl(['verify', '-CAfile', f.root, '-untrusted', f.issuing, card.file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /: OK/);
  });

  it('openssl x509 -text shows the profile fields', async () => {
    const card = await newCard('text');
    const r = await openssl(['x509', '-in', card.file, '-noout', '-text']);
    const text = r.stdout;
    for (const re of [
      /Subject: C\s*=\s*LU, CN\s*=\s*"M\\C3\\9CLLER,ANNE-MARIE", SN\s*=\s*M\\C3\\BCller, GN\s*=\s*Anne-Marie, serialNumber\s*=\s*PNOLU-19900101123/,
      /X509v3 Key Usage: critical\s*\n\s*Digital Signature\n/,
      /X509v3 Extended Key Usage:\s*\n\s*TLS Web Client Authentication/,
      /Policy: 2\.25\.73525172238196565924634511716699509624/,
      /OCSP - URI:http:\/\/127\.0\.0\.1:8080\/pki\/ocsp/,
      /CA Issuers - URI:http:\/\/127\.0\.0\.1:8080\/pki\/issuing\.crt/,
      /X509v3 CRL Distribution Points:\s*\n\s*Full Name:\s*\n\s*URI:http:\/\/127\.0\.0\.1:8080\/pki\/issuing\.crl/,
      /X509v3 Subject Key Identifier/,
      /X509v3 Authority Key Identifier/,
      /X509v3 Basic Constraints: critical\s*\n\s*CA:FALSE/,
      /ASN1 OID: prime256v1/,
    ]) {
      assert.match(text, re);
    }
  });

  it('openssl verify -crl_check with the published CRL: good passes, revoked fails, hold fails until released; CRL number grows', async () => {
    const f = files();
    const good = await newCard('crl-good');
    const bad = await newCard('crl-bad');
    const first = await crlNumberAndPem('1');
    const check = async (crl: string, card: string) =>
      openssl(['verify', '-crl_check', '-CRLfile', crl, '-CAfile', f.root, '-untrusted', f.issuing, card]);
    assert.equal((await check(first.pem, bad.file)).code, 0);
    change(get().p, bad.serialHex, { status: 'revoked', reason: 'keyCompromise', at: new Date() });
    const second = await crlNumberAndPem('2');
    assert.ok(second.number > first.number, `CRL number ${second.number} > ${first.number}`);
    assert.match(second.text, new RegExp(`Serial Number: ${bad.serialHex.toUpperCase()}[\\s\\S]*?Key Compromise`));
    const revoked = await check(second.pem, bad.file);
    assert.notEqual(revoked.code, 0);
    assert.match(revoked.stdout + revoked.stderr, /certificate revoked/);
    const ok = await check(second.pem, good.file);
    assert.equal(ok.code, 0, ok.stderr);
    // Without a status change the CRL is served from cache (same number)
    const third = await crlNumberAndPem('3');
    assert.equal(third.number, second.number);
    // Suspension (certificateHold) is listed, and disappears when released
    change(get().p, good.serialHex, { status: 'hold', since: new Date() });
    const held = await crlNumberAndPem('4');
    assert.match(held.text, new RegExp(`Serial Number: ${good.serialHex.toUpperCase()}[\\s\\S]*?Certificate Hold`));
    assert.notEqual((await check(held.pem, good.file)).code, 0);
    change(get().p, good.serialHex, { status: 'good' });
    const released = await crlNumberAndPem('5');
    assert.ok(released.number > held.number);
    assert.equal((await check(released.pem, good.file)).code, 0);
    assert.notEqual((await check(released.pem, bad.file)).code, 0, 'revocation is permanent');
  });

  it('openssl ocsp -url: good → revoked; good → hold → released → good; responses verify', async () => {
    const a = await newCard('ocsp-a');
    assert.match(await ocspUrl(a.file), /ocsp-a\.pem: good/);
    change(get().p, a.serialHex, { status: 'revoked', reason: 'cessationOfOperation', at: new Date(Date.now() - 5000) });
    const revoked = await ocspUrl(a.file);
    assert.match(revoked, /ocsp-a\.pem: revoked/);
    assert.match(revoked, /Reason: cessationOfOperation/);
    const b = await newCard('ocsp-b');
    assert.match(await ocspUrl(b.file), /ocsp-b\.pem: good/);
    change(get().p, b.serialHex, { status: 'hold', since: new Date() });
    const held = await ocspUrl(b.file);
    assert.match(held, /ocsp-b\.pem: revoked/);
    assert.match(held, /Reason: certificateHold/);
    change(get().p, b.serialHex, { status: 'good' });
    assert.match(await ocspUrl(b.file), /ocsp-b\.pem: good/);
  });
}
