// pki/ocsp/build-request.ts: the request the service builds for its own
// evidence is the one openssl builds (the same SHA-1 CertID byte for byte),
// openssl reads its nonce, and the responder answers it good with that nonce.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { buildOcspRequest, isPkiError, oid, type CertSerialHex } from '../../pki/index.js';
import { cardKey, inYears, makeTestCa, openssl, StatusTable, subject, type TestCa } from './helpers.js';

describe('pki/ocsp buildOcspRequest', () => {
  let t: TestCa;
  let serial: string;
  before(async () => {
    t = await makeTestCa();
    const card = await t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject, notAfter: inYears(2) });
    serial = card.serialHex;
    writeFileSync(join(t.dir, 'card.pem'), card.pem);
  });
  after(() => t.cleanup());

  it('has the CertID openssl makes, and a nonce openssl reads', async () => {
    const nonce = Buffer.alloc(32, 0xa5);
    const ours = buildOcspRequest({ issuer: t.ca.issuing, serialHex: serial, nonce });
    const out = join(t.dir, 'openssl.req');
    const r = await openssl(['ocsp', '-issuer', join(t.dir, 'pki', 'issuing.crt'), '-cert', join(t.dir, 'card.pem'), '-no_nonce', '-reqout', out]);
    assert.equal(r.code, 0, r.stderr);
    const theirs = pkijs.OCSPRequest.fromBER(readFileSync(out));
    const mine = pkijs.OCSPRequest.fromBER(ours);
    const certId = (q: pkijs.OCSPRequest) => Buffer.from(q.tbsRequest.requestList[0]!.reqCert.toSchema().toBER());
    assert.deepEqual(certId(mine), certId(theirs));
    const ext = mine.tbsRequest.requestExtensions!.find((e) => e.extnID === oid.ocspNonce)!;
    assert.deepEqual(Buffer.from(ext.extnValue.valueBlock.valueHexView), Buffer.concat([Buffer.from([0x04, 0x20]), nonce]));
    writeFileSync(join(t.dir, 'ours.req'), ours);
    const text = await openssl(['ocsp', '-reqin', join(t.dir, 'ours.req'), '-req_text']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`Serial Number: ${serial.toUpperCase().replace(/^0+/, '')}`, 'i'));
    assert.match(text.stdout, /OCSP Nonce/);
  });

  it('the responder answers it good with the nonce echoed', async () => {
    const status = new StatusTable();
    status.set(serial as CertSerialHex, { status: 'good' });
    const responder = t.ca.createOcspResponder({ status: status.lookup });
    const nonce = Buffer.alloc(32, 0x3c);
    const a = await responder.respond(buildOcspRequest({ issuer: t.ca.issuing, serialHex: serial, nonce }));
    assert.equal(a.responseStatus, 'successful');
    const res = pkijs.OCSPResponse.fromBER(a.der);
    const basic = pkijs.BasicOCSPResponse.fromBER(res.responseBytes!.response.valueBlock.valueHexView);
    const echoed = basic.tbsResponseData.responseExtensions!.find((e) => e.extnID === oid.ocspNonce)!;
    assert.deepEqual(Buffer.from(echoed.extnValue.valueBlock.valueHexView), Buffer.concat([Buffer.from([0x04, 0x20]), nonce]));
    assert.equal(basic.tbsResponseData.responses[0]!.certStatus.idBlock.tagNumber, 0, 'good');
  });

  it('refuses a serial that is not hex and a nonce longer than 32 octets', () => {
    assert.throws(() => buildOcspRequest({ issuer: t.ca.issuing, serialHex: 'xyz' }), (e) => isPkiError(e, 'ocsp_request_malformed'));
    assert.throws(() => buildOcspRequest({ issuer: t.ca.issuing, serialHex: serial, nonce: Buffer.alloc(33) }), (e) => isPkiError(e, 'ocsp_request_malformed'));
  });
});
