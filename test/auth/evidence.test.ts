// Evidence a relying party can check without trusting cardauth: a challenge
// created with `evidence: true` gets a result whose `evidence` claim holds
// the card's certificate, its signature, the signing input's preimage and a
// fresh OCSP response whose nonce is the signing input. Checked here the way
// a bank's auditor would: with openssl (`ocsp -respin … -CAfile root`:
// signature, responder chain, status good, the nonce), and independently
// with node:crypto alone (a DER walk written for this test, the responder's
// and the card's ECDSA signatures, the certificate chain). Also: the JWS
// header's explicit typ and the exp claim, no evidence unless asked for, a
// responder that cannot answer (503, the challenge put back), and the
// discovery document.
import assert from 'node:assert/strict';
import { createHash, verify, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import request from 'supertest';
import { responderEvidence } from '../../src/auth/adapters/ocsp-evidence.js';
import { MemoryStore } from '../../src/store/memory.js';
import { systemClock } from '../../src/util/clock.js';
import { openssl } from '../pki/helpers.js';
import { addRp, buildApp, cardSignInput, issueCard, makeCa, openRegistry, registerCard, type Registry, type TestApp, type TestCa, type TestCard } from './support/fixture.js';

const txn = { amount: '1250000.00', currency: 'KHR', payee: 'Chip Mong Land', reference: 'DEED-2026-118' };

// A minimal DER reader, independent of the project's pki/lib: enough to walk an OCSPResponse.
interface Node {
  tag: number;
  start: number;
  headerLength: number;
  length: number;
  bytes: Buffer;
  /** The whole TLV. */
  der: Buffer;
}
function readNode(buf: Buffer, at = 0): Node {
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let header = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[at + 2 + i]!;
    header += n;
  }
  return { tag, start: at, headerLength: header, length: len, bytes: buf.subarray(at + header, at + header + len), der: buf.subarray(at, at + header + len) };
}
function kids(n: Node): Node[] {
  const out: Node[] = [];
  for (let at = 0; at < n.bytes.length; ) {
    const c = readNode(n.bytes, at);
    out.push(c);
    at += c.headerLength + c.length;
  }
  return out;
}
const oidText = (n: Node): string => {
  const b = n.bytes;
  const parts = [Math.floor(b[0]! / 40), b[0]! % 40];
  let v = 0;
  for (const x of b.subarray(1)) {
    v = v * 128 + (x & 0x7f);
    if (!(x & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
};

/** OCSPResponse → the facts an auditor checks, with node:crypto for the signature. */
function readOcsp(der: Buffer) {
  const [status, bytes] = kids(readNode(der));
  assert.equal(status!.bytes[0], 0, 'successful');
  const [type, basicOctets] = kids(kids(bytes!)[0]!);
  assert.equal(oidText(type!), '1.3.6.1.5.5.7.48.1.1', 'id-pkix-ocsp-basic');
  const [tbs, , signature, certs] = kids(readNode(basicOctets!.bytes));
  const tbsParts = kids(tbs!);
  const responses = tbsParts.find((p) => p.tag === 0x30)!;
  const single = kids(kids(responses)[0]!);
  const certId = kids(single[0]!);
  const certStatusTag = single[1]!.tag;
  const ext = tbsParts.find((p) => p.tag === 0xa1);
  let nonce: Buffer | undefined;
  for (const e of ext ? kids(kids(ext)[0]!) : []) {
    const [id, value] = kids(e);
    if (oidText(id!) === '1.3.6.1.5.5.7.48.1.2') nonce = readNode(value!.bytes).bytes;
  }
  const responderDer = kids(kids(certs!)[0]!)[0]!.der;
  return { tbsDer: tbs!.der, signature: signature!.bytes.subarray(1), responder: new X509Certificate(responderDer), serial: certId[3]!.bytes, good: certStatusTag === 0x80, nonce };
}

describe('evidence in the result: certificate, signature, preimage and a fresh OCSP response', function () {
  this.timeout(60_000);
  let ca: TestCa;
  let reg: Registry;
  let card: TestCard;
  let t: TestApp;

  before(async () => {
    [ca, reg] = await Promise.all([makeCa(), openRegistry()]);
    card = await issueCard(ca.ca);
    await registerCard(reg.db, card);
    t = await buildApp({ ca: ca.ca, db: reg.db, store: new MemoryStore(), clock: systemClock, evidence: true });
  });
  after(async () => {
    await reg?.close();
    await ca?.cleanup();
  });

  async function authenticate(app: TestApp, bearer: string, extra: object) {
    const ch = (await request(app.app).post('/v1/auth/challenges').set('Authorization', bearer).send({ terminalId: 'atm-1', transaction: txn, ...extra })).body;
    const sig = cardSignInput(card, ch.signingInput.input);
    const r = await request(app.app)
      .post(`/v1/auth/challenges/${ch.id}/response`)
      .set('Authorization', bearer)
      .send({ terminalId: 'atm-1', certificate: card.der.toString('base64'), signature: sig.toString('base64') });
    return { ch, r, sig };
  }

  it('the result carries the evidence; openssl and node:crypto each prove the card signed this transaction and was good', async () => {
    const rp = await addRp(reg.db);
    const { ch, r, sig } = await authenticate(t, rp.bearer, { evidence: true });
    assert.equal(ch.evidence, true);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const jwks = (await request(t.app).get('/.well-known/jwks.json')).body;
    const { payload, protectedHeader } = await jwtVerify(r.body.result, createLocalJWKSet(jwks), {
      issuer: 'http://127.0.0.1:8080',
      audience: rp.rp.id,
      algorithms: ['ES256'],
      typ: 'cardauth-result+jwt',
    });
    assert.equal(protectedHeader.typ, 'cardauth-result+jwt');
    assert.equal(payload.exp, payload.iat! + 300);
    const ev = payload['evidence'] as { cert: string; sig: string; signing_input_preimage: string; ocsp: string };
    const cert = Buffer.from(ev.cert, 'base64');
    const preimage = Buffer.from(ev.signing_input_preimage, 'base64');
    const ocsp = Buffer.from(ev.ocsp, 'base64');
    assert.deepEqual(cert, card.der);
    assert.deepEqual(Buffer.from(ev.sig, 'base64'), sig);

    // node:crypto only. The certificate is the one the claims name and chains to the national CA.
    const x = new X509Certificate(cert);
    assert.equal(createHash('sha256').update(cert).digest('hex'), payload['cert_sha256']);
    assert.ok(x.checkIssued(ca.ca.issuing.x509) && x.verify(ca.ca.issuing.x509.publicKey));
    assert.ok(ca.ca.issuing.x509.verify(ca.ca.root.x509.publicKey));
    // The preimage is this transaction: the domain, this RP, this terminal, this transaction's hash.
    assert.equal(preimage.length, 12 + 4 * 32);
    assert.deepEqual(preimage.subarray(0, 12), Buffer.from('cardauth/v1\u0000', 'latin1'));
    const part = (i: number) => preimage.subarray(12 + 32 * i, 12 + 32 * (i + 1)).toString('hex');
    assert.equal(part(0), createHash('sha256').update(rp.rp.id).digest('hex'));
    assert.equal(part(1), createHash('sha256').update(Buffer.from(ch.nonce, 'base64url')).digest('hex'));
    assert.equal(part(2), createHash('sha256').update('atm-1').digest('hex'));
    assert.equal(part(3), payload['txn_hash']);
    const input = createHash('sha256').update(preimage).digest();
    assert.equal(input.toString('hex'), ch.signingInput.input);
    // The card's signature over it, with the certificate's key.
    assert.ok(verify('sha256', preimage, { key: x.publicKey, dsaEncoding: 'der' }, Buffer.from(ev.sig, 'base64')));
    // The OCSP response: signed by a responder the issuing CA certified for OCSP, good, this serial, nonce = the input.
    const o = readOcsp(ocsp);
    assert.ok(o.responder.checkIssued(ca.ca.issuing.x509) && o.responder.verify(ca.ca.issuing.x509.publicKey));
    assert.ok(o.responder.keyUsage?.includes('1.3.6.1.5.5.7.3.9'), 'id-kp-OCSPSigning');
    assert.ok(verify('sha256', o.tbsDer, { key: o.responder.publicKey, dsaEncoding: 'der' }, o.signature));
    assert.ok(o.good);
    assert.equal(o.serial.toString('hex').replace(/^00/, ''), x.serialNumber.toLowerCase().replace(/^00/, ''));
    assert.deepEqual(o.nonce, input);

    // openssl, from files as an auditor would keep them.
    const dir = ca.dir;
    writeFileSync(join(dir, 'evidence-ocsp.der'), ocsp);
    writeFileSync(join(dir, 'evidence-card.pem'), `-----BEGIN CERTIFICATE-----\n${ev.cert.replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`);
    writeFileSync(join(dir, 'evidence-cas.pem'), readFileSync(join(dir, 'pki', 'root.crt'), 'utf8') + readFileSync(join(dir, 'pki', 'issuing.crt'), 'utf8'));
    const v = await openssl([
      'ocsp', '-respin', join(dir, 'evidence-ocsp.der'), '-resp_text', '-no_nonce',
      '-CAfile', join(dir, 'pki', 'root.crt'), '-verify_other', join(dir, 'pki', 'issuing.crt'),
      '-issuer', join(dir, 'pki', 'issuing.crt'), '-cert', join(dir, 'evidence-card.pem'),
    ]);
    const text = v.stdout + v.stderr;
    assert.equal(v.code, 0, text);
    assert.match(text, /Response verify OK/);
    assert.match(text, /evidence-card\.pem: good/);
    const nonceHex = /OCSP Nonce:\s*\n\s*([0-9A-F]+)/.exec(text)?.[1];
    assert.ok(nonceHex, text);
    // openssl prints the extension value: the OCTET STRING header (04 20) and the 32 bytes.
    assert.equal(nonceHex.toLowerCase(), `0420${input.toString('hex')}`);
    const chain = await openssl(['verify', '-CAfile', join(dir, 'pki', 'root.crt'), '-untrusted', join(dir, 'pki', 'issuing.crt'), join(dir, 'evidence-card.pem')]);
    assert.equal(chain.code, 0, chain.stderr);
    // And the card's signature with openssl: the input is the hash value the card signed.
    writeFileSync(join(dir, 'evidence-preimage.bin'), preimage);
    writeFileSync(join(dir, 'evidence-sig.der'), Buffer.from(ev.sig, 'base64'));
    writeFileSync(join(dir, 'evidence-card.pub'), x.publicKey.export({ type: 'spki', format: 'pem' }));
    const dgst = await openssl(['dgst', '-sha256', '-verify', join(dir, 'evidence-card.pub'), '-signature', join(dir, 'evidence-sig.der'), join(dir, 'evidence-preimage.bin')]);
    assert.match(dgst.stdout, /Verified OK/, dgst.stdout + dgst.stderr);
  });

  it('without evidence: no evidence claim; the header still has the explicit typ and the claims exp', async () => {
    const rp = await addRp(reg.db);
    const { ch, r } = await authenticate(t, rp.bearer, {});
    assert.equal(ch.evidence, undefined);
    assert.equal(r.status, 200);
    assert.equal(r.body.claims.evidence, undefined);
    assert.equal(decodeProtectedHeader(r.body.result).typ, 'cardauth-result+jwt');
    assert.equal(r.body.claims.exp, r.body.claims.iat + 300);
  });

  it('a service without a responder refuses evidence at creation (400 invalid_request naming the field)', async () => {
    const plain = await buildApp({ ca: ca.ca, db: reg.db, store: new MemoryStore(), clock: systemClock });
    const rp = await addRp(reg.db);
    const r = await request(plain.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1', evidence: true });
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'invalid_request');
    assert.equal(r.body.field, 'evidence');
  });

  it('a responder that cannot answer: 503 unavailable, the challenge put back, and the same response completes later', async () => {
    let down = true;
    const responder = ca.ca.createOcspResponder({
      status: async () => {
        if (down) throw new Error('registry down');
        return { status: 'good' };
      },
    });
    const app = await buildApp({ ca: ca.ca, db: reg.db, store: new MemoryStore(), clock: systemClock });
    Object.assign(app.deps, { evidenceOcsp: responderEvidence({ issuing: ca.ca.issuing, responder }) });
    const rp = await addRp(reg.db);
    const ch = (await request(app.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1', evidence: true })).body;
    const body = { terminalId: 'atm-1', certificate: card.der.toString('base64'), signature: cardSignInput(card, ch.signingInput.input).toString('base64') };
    const first = await request(app.app).post(`/v1/auth/challenges/${ch.id}/response`).set('Authorization', rp.bearer).send(body);
    assert.equal(first.status, 503);
    assert.equal(first.body.code, 'unavailable');
    assert.equal((await request(app.app).get(`/v1/auth/challenges/${ch.id}`).set('Authorization', rp.bearer)).body.status, 'pending');
    down = false;
    const again = await request(app.app).post(`/v1/auth/challenges/${ch.id}/response`).set('Authorization', rp.bearer).send(body);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.ok(again.body.claims.evidence.ocsp);
  });

  it('the discovery document names the issuer, the key set, the versions, currencies, limits, retention and evidence', async () => {
    const r = await request(t.app).get('/.well-known/cardauth-configuration');
    assert.equal(r.status, 200);
    assert.match(r.headers['cache-control'] ?? '', /^public/);
    const d = r.body;
    assert.equal(d.issuer, 'http://127.0.0.1:8080');
    assert.equal(d.jwks_uri, 'http://127.0.0.1:8080/.well-known/jwks.json');
    assert.equal(d.api_versions[0].base_path, '/v1');
    assert.match(d.api_version, /^\d+\.\d+\.\d+$/);
    assert.ok(d.currencies_supported.includes('KHR') && d.currencies_supported.includes('USD'));
    assert.deepEqual(d.challenge_ttl_seconds, { min: 10, max: 300, default: 120 });
    assert.equal(d.long_poll_max_wait_seconds, 25);
    assert.equal(d.result_retention_seconds, 900);
    assert.equal(d.evidence_supported, true);
    assert.equal(d.result_typ, 'cardauth-result+jwt');
    assert.deepEqual(d.result_signing_alg_values_supported, ['ES256']);
    assert.ok(Array.isArray(d.token_endpoint_auth_methods_supported));
    const plain = await buildApp({ ca: ca.ca, db: reg.db, store: new MemoryStore(), clock: systemClock });
    assert.equal((await request(plain.app).get('/.well-known/cardauth-configuration')).body.evidence_supported, false);
  });
});
