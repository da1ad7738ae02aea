// OCSP responder logic (RFC 6960): requests made by openssl, responses read
// back by openssl (`-respin -resp_text`, verified against the root) and by
// pkijs for the fields openssl does not print.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { decodeOcspGetPath, isPkiError, MAX_OCSP_REQUEST_BYTES, oid, type OcspResponder } from '../../pki/index.js';
import { explicit, nullValue, objectIdentifier, octetString, seq, tlv } from '../../pki/lib/der.js';
import { parseOcspRequest } from '../../pki/ocsp/parse-request.js';
import { cardKey, inYears, makeTestCa, openssl, StatusTable, subject, type TestCa } from './helpers.js';

function basicOf(der: Buffer): pkijs.BasicOCSPResponse {
  const res = pkijs.OCSPResponse.fromBER(der);
  assert.equal(res.responseStatus.valueBlock.valueDec, 0);
  return pkijs.BasicOCSPResponse.fromBER(res.responseBytes!.response.valueBlock.valueHexView);
}

function statusOf(der: Buffer): number {
  return pkijs.OCSPResponse.fromBER(der).responseStatus.valueBlock.valueDec;
}

describe('pki/ocsp responder', () => {
  let t: TestCa;
  let other: TestCa;
  let status: StatusTable;
  let responder: OcspResponder;
  let now: Date;
  const req: Record<string, Buffer> = {};
  let serial: string;

  async function makeRequest(name: string, args: string[]): Promise<void> {
    const out = join(t.dir, `${name}.req`);
    const r = await openssl(['ocsp', ...args, '-reqout', out]);
    assert.equal(r.code, 0, r.stderr);
    req[name] = readFileSync(out);
  }

  before(async () => {
    t = await makeTestCa();
    other = await makeTestCa({ organization: 'Other State' });
    status = new StatusTable();
    now = new Date();
    responder = t.ca.createOcspResponder({ status: status.lookup, validitySeconds: 3600, cacheSeconds: 300 });
    const card = await t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject, notAfter: inYears(2) });
    serial = card.serialHex;
    status.set(card.serialHex, { status: 'good' });
    const foreign = await other.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject, notAfter: inYears(2) });
    writeFileSync(join(t.dir, 'card.pem'), card.pem);
    writeFileSync(join(t.dir, 'foreign.pem'), foreign.pem);
    writeFileSync(join(t.dir, 'other-issuing.pem'), other.ca.issuing.pem);
    const issuing = join(t.dir, 'pki', 'issuing.crt');
    await makeRequest('nonce', ['-issuer', issuing, '-cert', join(t.dir, 'card.pem')]);
    await makeRequest('plain', ['-issuer', issuing, '-cert', join(t.dir, 'card.pem'), '-no_nonce']);
    await makeRequest('sha256', ['-sha256', '-issuer', issuing, '-cert', join(t.dir, 'card.pem'), '-no_nonce']);
    await makeRequest('foreign', ['-issuer', join(t.dir, 'other-issuing.pem'), '-cert', join(t.dir, 'foreign.pem'), '-no_nonce']);
    await makeRequest('mixed', [
      '-issuer', issuing, '-cert', join(t.dir, 'card.pem'),
      '-issuer', join(t.dir, 'other-issuing.pem'), '-cert', join(t.dir, 'foreign.pem'), '-no_nonce',
    ]);
    await makeRequest('unknownSerial', ['-issuer', issuing, '-serial', '0x4242424242', '-no_nonce']);
  });
  after(async () => {
    await t.cleanup();
    await other.cleanup();
  });

  async function opensslReads(der: Buffer, name: string): Promise<string> {
    const file = join(t.dir, `${name}.resp`);
    writeFileSync(file, der);
    const r = await openssl([
      // -no_nonce: openssl would compare against a nonce of its own new request
      'ocsp', '-respin', file, '-resp_text', '-no_nonce', '-CAfile', join(t.dir, 'pki', 'root.crt'),
      '-issuer', join(t.dir, 'pki', 'issuing.crt'), '-cert', join(t.dir, 'card.pem'),
    ]);
    return r.stdout + r.stderr;
  }

  it('answers good, signed by the delegated responder, with the nonce echoed', async () => {
    const a = await responder.respond(req['nonce']!);
    assert.equal(a.responseStatus, 'successful');
    assert.equal(a.maxAgeSeconds, 0, 'responses with a nonce are not cacheable');
    const text = await opensslReads(a.der, 'good');
    assert.match(text, /Response verify OK/);
    assert.match(text, /card\.pem: good/);
    assert.match(text, /OCSP Nonce/);
    const basic = basicOf(a.der);
    const reqNonce = pkijs.OCSPRequest.fromBER(req['nonce']!).tbsRequest.requestExtensions!.find((e) => e.extnID === oid.ocspNonce)!;
    const resNonce = basic.tbsResponseData.responseExtensions!.find((e) => e.extnID === oid.ocspNonce)!;
    assert.deepEqual(Buffer.from(resNonce.extnValue.valueBlock.valueHexView), Buffer.from(reqNonce.extnValue.valueBlock.valueHexView));
    const single = basic.tbsResponseData.responses[0]!;
    assert.ok(single.nextUpdate && single.nextUpdate.getTime() - single.thisUpdate.getTime() === 3600_000);
  });

  it('answers revoked with time and reason, and hold as revoked/certificateHold', async () => {
    const at = new Date(Math.floor(now.getTime() / 1000) * 1000 - 3600_000);
    status.set(serial as never, { status: 'revoked', reason: 'keyCompromise', at });
    try {
      const text = await opensslReads((await responder.respond(req['nonce']!)).der, 'revoked');
      assert.match(text, /card\.pem: revoked/);
      assert.match(text, /Reason: keyCompromise/);
      status.set(serial as never, { status: 'hold', since: at });
      const held = await opensslReads((await responder.respond(req['nonce']!)).der, 'held');
      assert.match(held, /card\.pem: revoked/);
      assert.match(held, /Reason: certificateHold/);
    } finally {
      status.set(serial as never, { status: 'good' });
    }
  });

  it('answers SHA-256 CertIDs too', async () => {
    const a = await responder.respond(req['sha256']!);
    assert.equal(a.responseStatus, 'successful');
    assert.equal(basicOf(a.der).tbsResponseData.responses[0]!.certStatus.idBlock.tagNumber, 0);
  });

  it('answers unknown for a serial the registry does not know', async () => {
    const a = await responder.respond(req['unknownSerial']!);
    assert.equal(basicOf(a.der).tbsResponseData.responses[0]!.certStatus.idBlock.tagNumber, 2);
  });

  it('refuses a request only for another issuer with unauthorized (ocsp_unknown_issuer)', async () => {
    const a = await responder.respond(req['foreign']!);
    assert.equal(a.responseStatus, 'unauthorized');
    assert.equal(a.code, 'ocsp_unknown_issuer');
    assert.equal(statusOf(a.der), 6);
  });

  it('answers unknown for the foreign entry of a mixed request', async () => {
    const a = await responder.respond(req['mixed']!);
    const tags = basicOf(a.der).tbsResponseData.responses.map((r) => r.certStatus.idBlock.tagNumber);
    assert.deepEqual(tags, [0, 2]);
  });

  it('caches responses without a nonce until invalidated', async () => {
    const fresh = createResponder();
    const a = await fresh.respond(req['plain']!);
    const b = await fresh.respond(req['plain']!);
    assert.equal(a.cached, false);
    assert.equal(b.cached, true);
    assert.ok(a.der.equals(b.der));
    assert.ok(b.maxAgeSeconds > 0 && b.maxAgeSeconds <= 300);
    fresh.invalidate();
    assert.equal((await fresh.respond(req['plain']!)).cached, false);
    const n1 = await fresh.respond(req['nonce']!);
    const n2 = await fresh.respond(req['nonce']!);
    assert.equal(n2.cached, false);
    assert.equal(n1.cached, false);
  });

  function createResponder(): OcspResponder {
    return t.ca.createOcspResponder({ status: status.lookup, cacheSeconds: 300 });
  }

  it('answers tryLater (never good) when the status port fails', async () => {
    const broken = t.ca.createOcspResponder({
      status: async () => {
        throw new Error('registry down');
      },
    });
    const a = await broken.respond(req['plain']!);
    assert.equal(a.responseStatus, 'tryLater');
    assert.equal(statusOf(a.der), 3);
  });

  const malformed: [string, () => Buffer, string][] = [
    ['empty body', () => Buffer.alloc(0), 'ocsp_request_malformed'],
    ['truncated request', () => req['plain']!.subarray(0, req['plain']!.length - 5), 'ocsp_request_malformed'],
    ['trailing garbage', () => Buffer.concat([req['plain']!, Buffer.from([0])]), 'ocsp_request_malformed'],
    ['a certificate instead of a request', () => t.ca.issuing.der, 'ocsp_request_malformed'],
    ['oversized request', () => Buffer.alloc(MAX_OCSP_REQUEST_BYTES + 1, 0x30), 'ocsp_request_too_large'],
  ];
  for (const [name, body, code] of malformed) {
    it(`answers malformedRequest for ${name} (${code})`, async () => {
      const a = await responder.respond(body());
      assert.equal(a.responseStatus, 'malformedRequest');
      assert.equal(a.code, code);
      assert.equal(statusOf(a.der), 1);
    });
  }

  it('decodes the GET form: URL-encoded base64, standard or url-safe alphabet', () => {
    const der = req['plain']!;
    assert.ok(decodeOcspGetPath(encodeURIComponent(der.toString('base64'))).equals(der));
    assert.ok(decodeOcspGetPath(der.toString('base64url')).equals(der));
    assert.throws(() => decodeOcspGetPath('not base64!'), (e) => isPkiError(e, 'ocsp_request_malformed'));
    assert.throws(() => decodeOcspGetPath('%E0%A4%A'), (e) => isPkiError(e, 'ocsp_request_malformed'));
  });

  describe('request extensions (RFC 6960 §4.1.1, §4.4; RFC 8954 §2.1)', () => {
    const TRUE = tlv(0x01, Uint8Array.of(0xff));
    const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
      critical ? seq(objectIdentifier(id), TRUE, octetString(value)) : seq(objectIdentifier(id), octetString(value));
    /** Our card's CertID as openssl wrote it, in a request built here with the extensions under test. */
    const build = (o: { single?: Buffer[]; request?: Buffer[] }): Buffer => {
      const certId = parseOcspRequest(req['plain']!).certIds[0]!.der;
      const single = o.single ? seq(certId, explicit(0, seq(...o.single))) : seq(certId);
      const tbs = o.request ? seq(seq(single), explicit(2, seq(...o.request))) : seq(seq(single));
      return seq(tbs);
    };
    const nonce = (extnValue: Buffer): Buffer => extension(oid.ocspNonce, false, extnValue);
    const UNKNOWN = '1.3.6.1.4.1.99999.7';

    async function expectMalformed(der: Buffer): Promise<void> {
      const a = await responder.respond(der);
      assert.equal(a.responseStatus, 'malformedRequest');
      assert.equal(a.code, 'ocsp_request_malformed');
      assert.equal(statusOf(a.der), 1);
    }

    it('refuses an unknown critical singleRequestExtension with malformedRequest (it was answered good)', async () => {
      await expectMalformed(build({ single: [extension(UNKNOWN, true, nullValue())] }));
    });

    it('ignores an unknown non-critical singleRequestExtension and answers', async () => {
      const a = await responder.respond(build({ single: [extension(UNKNOWN, false, nullValue())] }));
      assert.equal(a.responseStatus, 'successful');
      assert.equal(basicOf(a.der).tbsResponseData.responses[0]!.certStatus.idBlock.tagNumber, 0);
    });

    it('refuses an unknown critical requestExtension with malformedRequest', async () => {
      await expectMalformed(build({ request: [extension(UNKNOWN, true, nullValue())] }));
    });

    it('echoes a nonce of 1 and of 32 octets (the RFC 8954 bounds)', async () => {
      for (const n of [1, 32]) {
        const value = octetString(Buffer.alloc(n, 0x5a));
        const a = await responder.respond(build({ request: [nonce(value)] }));
        assert.equal(a.responseStatus, 'successful', `${n} octets`);
        const echoed = basicOf(a.der).tbsResponseData.responseExtensions!.find((e) => e.extnID === oid.ocspNonce)!;
        assert.deepEqual(Buffer.from(echoed.extnValue.valueBlock.valueHexView), value);
      }
    });

    const badNonces: [string, Buffer][] = [
      ['an empty OCTET STRING (0 octets)', octetString(Buffer.alloc(0))],
      ['33 octets', octetString(Buffer.alloc(33, 1))],
      ['raw bytes, not an OCTET STRING', Buffer.alloc(16, 0x42)],
      ['an INTEGER instead of an OCTET STRING', tlv(0x02, Uint8Array.of(1, 2, 3, 4))],
      ['an OCTET STRING followed by trailing bytes', Buffer.concat([octetString(Buffer.alloc(16, 1)), Buffer.from([0])])],
    ];
    for (const [name, value] of badNonces) {
      it(`refuses a nonce that is ${name} with malformedRequest`, async () => {
        await expectMalformed(build({ request: [nonce(value)] }));
      });
    }

    it('refuses two nonces, and an empty extension list, with malformedRequest', async () => {
      const value = octetString(Buffer.alloc(16, 1));
      await expectMalformed(build({ request: [nonce(value), nonce(value)] }));
      await expectMalformed(build({ request: [] }));
      await expectMalformed(build({ single: [] }));
    });
  });
});
