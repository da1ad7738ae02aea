// Issue-3 acceptance with the CA keys in the encrypted-file key store, plus
// the HTTP publication routes checked with supertest.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import request from 'supertest';
import { acceptanceSuite, publish, type Published } from '../pki/acceptance.js';
import { cardKey, inYears, makeTestCa, openssl, subject, type TestCa } from '../pki/helpers.js';

function binaryParser(res: NodeJS.ReadableStream & { setEncoding(e: string): void }, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('e2e pki: national CA with file keys, checked by openssl', () => {
  let t: TestCa;
  let p: Published;
  before(async () => {
    t = await makeTestCa();
    p = await publish(t);
  });
  after(async () => {
    await p.close();
    await t.cleanup();
  });

  acceptanceSuite(() => ({ t, p }));

  describe('HTTP publication routes', () => {
    it('GET /pki/root.crt and /pki/issuing.crt serve DER as application/pkix-cert', async () => {
      for (const [path, der] of [['/pki/root.crt', t.ca.root.der], ['/pki/issuing.crt', t.ca.issuing.der]] as const) {
        const res = await request(p.app).get(path).buffer(true).parse(binaryParser as never);
        assert.equal(res.status, 200);
        assert.match(res.headers['content-type'] ?? '', /^application\/pkix-cert/);
        assert.ok((res.body as Buffer).equals(der));
      }
    });

    it('GET /pki/issuing.crl serves a DER CRL as application/pkix-crl', async () => {
      const res = await request(p.app).get('/pki/issuing.crl').buffer(true).parse(binaryParser as never);
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type'] ?? '', /^application\/pkix-crl/);
      const crl = pkijs.CertificateRevocationList.fromBER(res.body as Buffer);
      assert.equal(crl.version, 1);
    });

    it('OCSP over GET (RFC 6960 A.1), POST, and refusals', async () => {
      const card = await t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject, notAfter: inYears(1) });
      p.status.set(card.serialHex, { status: 'good' });
      const cardFile = join(t.dir, 'http-card.pem');
      writeFileSync(cardFile, card.pem);
      const reqFile = join(t.dir, 'http.req');
      await openssl(['ocsp', '-issuer', join(t.dir, 'pki', 'issuing.crt'), '-cert', cardFile, '-no_nonce', '-reqout', reqFile]);
      const { readFileSync } = await import('node:fs');
      const der = readFileSync(reqFile);
      const statusOf = (b: Buffer) => pkijs.OCSPResponse.fromBER(b).responseStatus.valueBlock.valueDec;

      const get = await request(p.app).get(`/pki/ocsp/${encodeURIComponent(der.toString('base64'))}`).buffer(true).parse(binaryParser as never);
      assert.equal(get.status, 200);
      assert.match(get.headers['content-type'] ?? '', /^application\/ocsp-response/);
      assert.equal(statusOf(get.body as Buffer), 0);
      assert.match(get.headers['cache-control'] ?? '', /max-age=\d+/);

      // base64 with an unencoded '/' still works (some clients do not encode it)
      const raw = await request(p.app).get(`/pki/ocsp/${der.toString('base64')}`).buffer(true).parse(binaryParser as never);
      assert.equal(raw.status, 200);
      assert.equal(statusOf(raw.body as Buffer), 0);

      const post = await request(p.app)
        .post('/pki/ocsp')
        .set('content-type', 'application/ocsp-request')
        .send(der)
        .buffer(true)
        .parse(binaryParser as never);
      assert.equal(post.status, 200);
      assert.equal(statusOf(post.body as Buffer), 0);

      const bad = await request(p.app).get('/pki/ocsp/not-base64!!').buffer(true).parse(binaryParser as never);
      assert.equal(bad.status, 200);
      assert.equal(statusOf(bad.body as Buffer), 1, 'malformedRequest in-band');

      const wrongType = await request(p.app).post('/pki/ocsp').set('content-type', 'application/json').send('{}');
      assert.equal(wrongType.status, 415);

      const huge = await request(p.app)
        .post('/pki/ocsp')
        .set('content-type', 'application/ocsp-request')
        .send(Buffer.alloc(9000, 0x30));
      assert.equal(huge.status, 413);
    });
  });
});
