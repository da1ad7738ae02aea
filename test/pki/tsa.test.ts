// The timestamping authority (RFC 3161), checked by two parsers nobody here
// wrote: `openssl ts -verify` against the national root, and pkijs's
// TimeStampResp/TSTInfo. Refusals are DER rejections with the RFC's failure
// bits, never exceptions.
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { addTsa, openCa, POLICY_TSA } from '../../pki/index.js';
import { makeTestCa, openssl, type TestCa } from './helpers.js';

const statusOf = (der: Buffer) => pkijs.TimeStampResp.fromBER(der).status.status;

describe('pki: timestamping authority (RFC 3161)', () => {
  let t: TestCa;
  before(async () => {
    t = await makeTestCa();
  });
  after(async () => {
    await t.cleanup();
  });

  it('ca init makes a TSA certificate: issued by the issuing CA, EKU id-kp-timeStamping only and critical, digitalSignature', async () => {
    const tsa = t.ca.tsa;
    assert.ok(tsa, 'the CA has a TSA');
    const x = tsa.certificate.x509;
    assert.ok(x.checkIssued(t.ca.issuing.x509) && x.verify(t.ca.issuing.x509.publicKey));
    assert.deepEqual(x.keyUsage, ['1.3.6.1.5.5.7.3.8']);
    const cert = pkijs.Certificate.fromBER(tsa.certificate.der);
    const eku = cert.extensions!.find((e) => e.extnID === '2.5.29.37')!;
    assert.equal(eku.critical, true);
    const text = (await openssl(['x509', '-in', join(t.dir, 'pki', 'tsa.crt'), '-noout', '-text'])).stdout;
    assert.match(text, /X509v3 Extended Key Usage: critical\s+Time Stamping/);
    assert.match(text, /X509v3 Key Usage: critical\s+Digital Signature/);
  });

  it('openssl ts -verify accepts a token for an openssl request (nonce, certReq), chained to the national root', async () => {
    const data = join(t.dir, 'data.bin');
    writeFileSync(data, 'the document that was timestamped');
    const req = join(t.dir, 'a.tsq');
    await openssl(['ts', '-query', '-data', data, '-sha256', '-cert', '-out', req]);
    const answer = await t.ca.tsa!.respond(readFileSync(req));
    assert.equal(answer.status, 'granted');
    const resp = join(t.dir, 'a.tsr');
    writeFileSync(resp, answer.der);
    const untrusted = join(t.dir, 'issuing.pem');
    writeFileSync(untrusted, t.ca.issuing.pem);
    const v = await openssl(['ts', '-verify', '-in', resp, '-queryfile', req, '-CAfile', join(t.dir, 'pki', 'root.crt'), '-untrusted', untrusted]);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /Verification: OK/);
    const byData = await openssl(['ts', '-verify', '-data', data, '-in', resp, '-CAfile', join(t.dir, 'pki', 'root.crt'), '-untrusted', untrusted]);
    assert.equal(byData.code, 0, byData.stderr);
    const text = (await openssl(['ts', '-reply', '-in', resp, '-text'])).stdout;
    assert.match(text, new RegExp(`Policy OID: ${POLICY_TSA.replace(/\./g, '\\.')}`));
    assert.match(text, /Accuracy: 0x01 seconds/);
  });

  it('openssl ts -verify refuses the token for other data', async () => {
    const data = join(t.dir, 'b.bin');
    writeFileSync(data, 'original');
    const req = join(t.dir, 'b.tsq');
    await openssl(['ts', '-query', '-data', data, '-sha256', '-cert', '-out', req]);
    const resp = join(t.dir, 'b.tsr');
    writeFileSync(resp, (await t.ca.tsa!.respond(readFileSync(req))).der);
    const untrusted = join(t.dir, 'issuing.pem');
    writeFileSync(untrusted, t.ca.issuing.pem);
    const good = await openssl(['ts', '-verify', '-data', data, '-in', resp, '-CAfile', join(t.dir, 'pki', 'root.crt'), '-untrusted', untrusted]);
    assert.equal(good.code, 0, good.stderr);
    writeFileSync(data, 'changed');
    const bad = await openssl(['ts', '-verify', '-data', data, '-in', resp, '-CAfile', join(t.dir, 'pki', 'root.crt'), '-untrusted', untrusted]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stdout + bad.stderr, /message imprint mismatch/);
  });

  it('pkijs reads the token: TSTInfo imprint, echoed nonce, and the signature verifies', async () => {
    const digest = createHash('sha256').update('pkijs').digest();
    const req = new pkijs.TimeStampReq({
      version: 1,
      messageImprint: new pkijs.MessageImprint({
        hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: '2.16.840.1.101.3.4.2.1' }),
        hashedMessage: new asn1js.OctetString({ valueHex: digest }),
      }),
      nonce: new asn1js.Integer({ value: 123456789 }),
      certReq: true,
    });
    const answer = await t.ca.tsa!.respond(Buffer.from(req.toSchema().toBER()));
    const resp = pkijs.TimeStampResp.fromBER(answer.der);
    assert.equal(resp.status.status, pkijs.PKIStatus.granted);
    const signed = new pkijs.SignedData({ schema: resp.timeStampToken!.content });
    const tst = pkijs.TSTInfo.fromBER(signed.encapContentInfo.eContent!.getValue());
    // (asn1js cannot print arcs above 2^53; openssl's text above shows the policy)
    assert.ok(Buffer.from(tst.messageImprint.hashedMessage.getValue()).equals(digest));
    assert.equal(tst.nonce!.toBigInt(), 123456789n);
    const ok = await signed.verify({ signer: 0, data: new TextEncoder().encode('pkijs').buffer, trustedCerts: [pkijs.Certificate.fromBER(t.ca.root.der), pkijs.Certificate.fromBER(t.ca.issuing.der)], checkChain: false });
    assert.equal(ok, true);
  });

  it('stamp() over an imprint gives a token whose TSA certificate is included', async () => {
    const { token, genTime } = await t.ca.tsa!.stamp({ algorithm: '2.16.840.1.101.3.4.2.1', digest: createHash('sha256').update('x').digest() });
    const signed = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(token).content });
    assert.equal(signed.certificates?.length, 1);
    assert.equal(genTime.getMilliseconds(), 0);
  });

  it('refusals are rejections with their failure bit: malformed, unknown hash, wrong length, extensions, other policy', async () => {
    const fail = async (der: Uint8Array, bit: number) => {
      const a = await t.ca.tsa!.respond(der);
      assert.equal(a.status, 'rejection');
      assert.equal(statusOf(a.der), pkijs.PKIStatus.rejection);
      const info = pkijs.TimeStampResp.fromBER(a.der).status.failInfo!;
      const bytes = new Uint8Array(info.valueBlock.valueHexView);
      assert.ok(((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0, `failure bit ${bit}`);
    };
    const mk = (alg: string, digest: Buffer, extra: Partial<ConstructorParameters<typeof pkijs.TimeStampReq>[0]> = {}) =>
      Buffer.from(
        new pkijs.TimeStampReq({
          version: 1,
          messageImprint: new pkijs.MessageImprint({ hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: alg }), hashedMessage: new asn1js.OctetString({ valueHex: digest }) }),
          ...extra,
        })
          .toSchema()
          .toBER(),
      );
    await fail(Buffer.from('not DER'), 5); // badDataFormat
    await fail(mk('1.3.14.3.2.26', Buffer.alloc(20)), 0); // SHA-1: badAlg
    await fail(mk('2.16.840.1.101.3.4.2.1', Buffer.alloc(31)), 5); // wrong digest length: badDataFormat
    await fail(mk('2.16.840.1.101.3.4.2.1', Buffer.alloc(32), { reqPolicy: '1.2.3.4' }), 15); // unacceptedPolicy
    await fail(Buffer.alloc(2048, 0x30), 5); // too large
    const withExt = mk('2.16.840.1.101.3.4.2.1', Buffer.alloc(32), {
      extensions: [new pkijs.Extension({ extnID: '1.2.3', critical: false, extnValue: new asn1js.Null().toBER() })],
    });
    await fail(withExt, 16); // unacceptedExtension
  });

  it('addTsa gives a CA made without a TSA one, once (idempotent), and openCa then serves it', async () => {
    const dir = t.dir;
    const file = join(dir, 'pki', 'tsa.crt');
    const before = readFileSync(file, 'utf8');
    assert.equal((await addTsa({ dataDir: dir, keyStore: t.keyStore })).created, false);
    rmSync(file);
    const ca0 = await openCa({ dataDir: dir, keyStore: t.keyStore });
    assert.equal(ca0.tsa, undefined);
    const made = await addTsa({ dataDir: dir, keyStore: t.keyStore });
    assert.equal(made.created, true);
    assert.ok(existsSync(file));
    assert.notEqual(made.pem, before); // a new certificate …
    assert.ok(new X509Certificate(made.pem).publicKey.equals(new X509Certificate(before).publicKey)); // … for the key left in the store
    const ca1 = await openCa({ dataDir: dir, keyStore: t.keyStore });
    assert.ok(ca1.tsa);
  });
});
