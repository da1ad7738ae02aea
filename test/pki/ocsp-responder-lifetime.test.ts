// The delegated OCSP responder certificate's lifetime (RFC 6960 §4.2.2.2):
// nothing is signed outside its validity, no answer reaches past its
// notAfter, it is renewed automatically inside its renewal window (same key,
// audited before it takes effect), a renewal made by another process is taken
// up, and health() gives every lifetime as dates. The clock is frozen by
// opening the CA with a `now` of the test's choosing; responses are read
// back by openssl.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import {
  isPkiError,
  OCSP_READY_MARGIN_DAYS,
  OCSP_RENEW_BEFORE_DAYS,
  openCa,
  pkiDir,
  rotateResultKey,
  type CertificateAuthority,
  type OcspRenewalEvent,
} from '../../pki/index.js';
import { nullValue, objectIdentifier, octetString, seq, unsignedInteger } from '../../pki/lib/der.js';
import { oid } from '../../pki/lib/oids.js';
import { cardKey, inYears, makeTestCa, openssl, StatusTable, subject, type TestCa } from './helpers.js';

const DAY = 86_400_000;

function requestFor(ca: CertificateAuthority, serialHexText: string): Buffer {
  const certId = seq(
    seq(objectIdentifier(oid.sha1), nullValue()),
    octetString(createHash('sha1').update(ca.issuing.subjectDer).digest()),
    octetString(createHash('sha1').update(ca.issuing.publicKeyBits).digest()),
    unsignedInteger(Buffer.from(serialHexText, 'hex')),
  );
  return seq(seq(seq(seq(certId))));
}

function basicOf(der: Buffer): pkijs.BasicOCSPResponse {
  const res = pkijs.OCSPResponse.fromBER(der);
  assert.equal(res.responseStatus.valueBlock.valueDec, 0);
  return pkijs.BasicOCSPResponse.fromBER(res.responseBytes!.response.valueBlock.valueHexView);
}

describe('pki/ca OCSP responder certificate lifetime', () => {
  let t: TestCa;
  let status: StatusTable;
  let serial: string;
  let cardPem: string;

  const openAt = (at: () => Date): Promise<CertificateAuthority> => openCa({ dataDir: t.dir, keyStore: t.keyStore, now: at });

  beforeEach(async () => {
    t = await makeTestCa();
    status = new StatusTable();
    const card = await t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject, notAfter: inYears(2) });
    serial = card.serialHex;
    cardPem = card.pem;
    status.set(card.serialHex, { status: 'good' });
  });
  afterEach(() => t.cleanup());

  it('never signs with an expired responder certificate: tryLater (ocsp_responder_expired)', async () => {
    const after = new Date(t.ca.ocsp.notAfter.getTime() + 1000);
    const ca = await openAt(() => after);
    const a = await ca.createOcspResponder({ status: status.lookup }).respond(requestFor(ca, serial));
    assert.equal(a.responseStatus, 'tryLater');
    assert.equal(a.code, 'ocsp_responder_expired');
    assert.equal(pkijs.OCSPResponse.fromBER(a.der).responseStatus.valueBlock.valueDec, 3);
  });

  it('no nextUpdate and no cached answer reach past the responder certificate', async () => {
    const at = new Date(t.ca.ocsp.notAfter.getTime() - 10 * 60_000);
    const ca = await openAt(() => at);
    const a = await ca.createOcspResponder({ status: status.lookup, validitySeconds: 3600, cacheSeconds: 3600 }).respond(requestFor(ca, serial));
    assert.equal(a.responseStatus, 'successful');
    const single = basicOf(a.der).tbsResponseData.responses[0]!;
    assert.ok(single.nextUpdate!.getTime() <= t.ca.ocsp.notAfter.getTime(), `${single.nextUpdate!.toISOString()} > ${t.ca.ocsp.notAfter.toISOString()}`);
    assert.ok(a.maxAgeSeconds <= 600, `max-age ${a.maxAgeSeconds}`);
  });

  it('renews inside the renewal window: same key, a new certificate on disk, audited, and the responder signs with it (openssl verifies)', async () => {
    const before = t.ca.ocsp;
    const inWindow = new Date(before.notAfter.getTime() - (OCSP_RENEW_BEFORE_DAYS - 1) * DAY);
    const ca = await openAt(() => inWindow);
    const events: OcspRenewalEvent[] = [];
    const r = await ca.maintainOcspResponder({ audit: async (e) => void events.push(e) });
    assert.equal(r.action, 'renewed');
    assert.equal(events.length, 1);
    assert.equal(events[0]!.trigger, 'automatic');
    assert.equal(events[0]!.previousSerialHex, before.x509.serialNumber.toLowerCase());
    assert.equal(events[0]!.serialHex, ca.ocsp.x509.serialNumber.toLowerCase());
    assert.ok(ca.ocsp.x509.publicKey.equals(before.x509.publicKey), 'the responder key stays');
    assert.ok(ca.ocsp.notAfter.getTime() > before.notAfter.getTime());
    assert.equal(readFileSync(join(pkiDir(t.dir), 'ocsp.crt'), 'utf8'), ca.ocsp.pem);
    assert.deepEqual(readdirSync(pkiDir(t.dir)).filter((f) => f.includes('.tmp') || f.endsWith('.lock')), []);
    // and the answers are signed under the new certificate, which openssl accepts
    const a = await ca.createOcspResponder({ status: status.lookup }).respond(requestFor(ca, serial));
    const embedded = basicOf(a.der).certs![0]!;
    assert.ok(Buffer.from(embedded.toSchema().toBER()).equals(ca.ocsp.der));
    writeFileSync(join(t.dir, 'renewed.resp'), a.der);
    writeFileSync(join(t.dir, 'card.pem'), cardPem);
    const v = await openssl([
      'ocsp', '-respin', join(t.dir, 'renewed.resp'), '-no_nonce', '-CAfile', join(pkiDir(t.dir), 'root.crt'),
      '-issuer', join(pkiDir(t.dir), 'issuing.crt'), '-cert', join(t.dir, 'card.pem'), '-attime', String(Math.floor(inWindow.getTime() / 1000)),
    ]);
    assert.match(v.stdout + v.stderr, /Response verify OK/);
  });

  it('does nothing while the certificate is outside its renewal window', async () => {
    const early = new Date(t.ca.ocsp.notBefore.getTime() + DAY);
    const ca = await openAt(() => early);
    let audited = 0;
    const r = await ca.maintainOcspResponder({ audit: async () => void audited++ });
    assert.equal(r.action, 'none');
    assert.equal(audited, 0);
    assert.ok(ca.ocsp.der.equals(t.ca.ocsp.der));
  });

  it('an expired certificate found at start is renewed, and the responder answers again', async () => {
    const after = new Date(t.ca.ocsp.notAfter.getTime() + 30 * DAY);
    const ca = await openAt(() => after);
    const responder = ca.createOcspResponder({ status: status.lookup });
    assert.equal((await responder.respond(requestFor(ca, serial))).responseStatus, 'tryLater');
    assert.equal((await ca.maintainOcspResponder()).action, 'renewed');
    assert.equal((await responder.respond(requestFor(ca, serial))).responseStatus, 'successful');
  });

  it('a renewal whose audit fails does not take effect: the old certificate stays, on disk and in use', async () => {
    const before = readFileSync(join(pkiDir(t.dir), 'ocsp.crt'), 'utf8');
    const ca = await openAt(() => new Date(t.ca.ocsp.notAfter.getTime() - DAY));
    await assert.rejects(
      ca.maintainOcspResponder({
        audit: async () => {
          throw new Error('audit log unavailable');
        },
      }),
      /audit log unavailable/,
    );
    assert.equal(readFileSync(join(pkiDir(t.dir), 'ocsp.crt'), 'utf8'), before);
    assert.equal(ca.ocsp.pem, before);
    assert.deepEqual(readdirSync(pkiDir(t.dir)).filter((f) => f.includes('.tmp') || f.endsWith('.lock')), []);
  });

  it('takes up a certificate another process renewed, without renewing again', async () => {
    const inWindow = new Date(t.ca.ocsp.notAfter.getTime() - DAY);
    const a = await openAt(() => inWindow);
    const b = await openAt(() => inWindow);
    let audited = 0;
    assert.equal((await a.maintainOcspResponder({ audit: async () => void audited++ })).action, 'renewed');
    const r = await b.maintainOcspResponder({ audit: async () => void audited++ });
    assert.equal(r.action, 'adopted');
    assert.equal(audited, 1);
    assert.ok(b.ocsp.der.equals(a.ocsp.der));
  });

  it('leaves a renewal under way elsewhere alone (busy), and clears a lock left by a crash', async () => {
    const lock = join(pkiDir(t.dir), 'ocsp.crt.lock');
    writeFileSync(lock, 'another process\n');
    const ca = await openAt(() => new Date(t.ca.ocsp.notAfter.getTime() - DAY));
    assert.equal((await ca.maintainOcspResponder()).action, 'busy');
    await assert.rejects(ca.renewOcspResponder(), (e) => isPkiError(e, 'ca_busy'));
    const old = new Date(Date.now() - 60 * 60_000);
    utimesSync(lock, old, old);
    assert.equal((await ca.maintainOcspResponder()).action, 'renewed');
    assert.equal(existsSync(lock), false);
  });

  it('renewOcspResponder renews at once, whatever is left, and audits it as manual', async () => {
    const events: OcspRenewalEvent[] = [];
    const before = t.ca.ocsp;
    const renewed = await t.ca.renewOcspResponder({ audit: async (e) => void events.push(e) });
    assert.notEqual(renewed.x509.serialNumber, before.x509.serialNumber);
    assert.deepEqual(events.map((e) => e.trigger), ['manual']);
  });

  it('health(): the responder certificate\'s dates and readiness, the issuing CA against the card validity, the result key\'s age', async () => {
    const ocsp = t.ca.ocsp;
    const at = (ms: number): Date => new Date(ms);
    let h = await t.ca.health(at(ocsp.notBefore.getTime() + DAY));
    assert.equal(h.ocspResponder.state, 'valid');
    assert.equal(h.ocspResponder.ready, true);
    assert.equal(h.ocspResponder.notAfter.getTime(), ocsp.notAfter.getTime());
    assert.equal(h.ocspResponder.renewFrom.getTime(), ocsp.notAfter.getTime() - OCSP_RENEW_BEFORE_DAYS * DAY);
    assert.equal(h.ocspResponder.readyUntil.getTime(), ocsp.notAfter.getTime() - OCSP_READY_MARGIN_DAYS * DAY);
    assert.equal((await t.ca.health(at(ocsp.notAfter.getTime() - 30 * DAY))).ocspResponder.state, 'renewal-due');
    h = await t.ca.health(at(ocsp.notAfter.getTime() - (OCSP_READY_MARGIN_DAYS - 1) * DAY));
    assert.deepEqual([h.ocspResponder.state, h.ocspResponder.ready], ['expiring', false]);
    h = await t.ca.health(at(ocsp.notAfter.getTime() + 1000));
    assert.deepEqual([h.ocspResponder.state, h.ocspResponder.ready], ['expired', false]);

    // The issuing CA (10 years) covers the maximum card validity (1826 days) until 1826 days before its end.
    const issuingEnd = t.ca.issuing.notAfter.getTime();
    h = await t.ca.health(at(Date.now()));
    assert.equal(h.issuing.cardValidityShortfallDays, 0);
    assert.equal(h.issuing.fullCardValidityUntil.getTime(), issuingEnd - 1826 * DAY);
    h = await t.ca.health(at(issuingEnd - 1000 * DAY));
    assert.equal(h.issuing.cardValidityShortfallDays, 826);
    assert.equal(h.root.notAfter.getTime(), t.ca.root.notAfter.getTime());

    // The result key: made with the CA, then since its rotation.
    assert.equal(h.resultSigningKey.since.getTime(), t.ca.issuing.notBefore.getTime());
    const rotatedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const r = await rotateResultKey({ dataDir: t.dir, keyStore: t.keyStore, now: rotatedAt });
    h = await t.ca.health();
    assert.equal(h.resultSigningKey.name, r.name);
    assert.equal(h.resultSigningKey.since.getTime(), rotatedAt.getTime());
  });
});
