// Issuance: the hierarchy `initCa` creates (RFC 5280 §4.2.1.9 path lengths,
// §4.2.1.3 key usage, RFC 6960 §4.2.2.2 responder), the card profiles
// (docs/architecture.md, "Card certificate profile") and the profile pipeline's refusals.
import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createCardCertificateVerifier,
  initCa,
  isPkiError,
  keyNames,
  oid,
  openCa,
  POLICY_KEY_ON_CARD_PIN_ALWAYS,
  POLICY_TEST_UNATTESTED,
  type IssueRequest,
  type PkiErrorCode,
} from '../../pki/index.js';
import { readCertificateFields } from '../../pki/verify/read-certificate-fields.js';
import { cardKey, inYears, makeTestCa, subject, testConfig, type TestCa } from './helpers.js';

describe('pki/ca hierarchy and card profiles', () => {
  let t: TestCa;
  before(async () => {
    t = await makeTestCa();
  });
  after(() => t.cleanup());

  it('creates root (P-384, pathLen 1), issuing (P-256, pathLen 0) and the OCSP responder', () => {
    const { root, issuing, ocsp } = t.ca;
    assert.equal(root.x509.publicKey.asymmetricKeyDetails?.namedCurve, 'secp384r1');
    assert.equal(issuing.x509.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.ok(root.x509.verify(root.x509.publicKey));
    assert.ok(issuing.x509.checkIssued(root.x509) && issuing.x509.verify(root.x509.publicKey));
    assert.ok(ocsp.x509.checkIssued(issuing.x509) && ocsp.x509.verify(issuing.x509.publicKey));
    const rf = readCertificateFields(root.der);
    const isf = readCertificateFields(issuing.der);
    const of = readCertificateFields(ocsp.der);
    assert.ok(rf.basicConstraintsCa && isf.basicConstraintsCa && !of.basicConstraintsCa);
    assert.deepEqual([...(isf.keyUsage ?? [])].sort(), ['cRLSign', 'keyCertSign']);
    assert.deepEqual(of.extKeyUsage, [oid.kpOcspSigning]);
    assert.ok(of.extensions.some((e) => e.oid === oid.ocspNoCheck && !e.critical));
    assert.ok(isf.policies?.includes(POLICY_KEY_ON_CARD_PIN_ALWAYS));
    assert.ok(existsSync(join(t.dir, 'pki', 'root.crt')) && existsSync(join(t.dir, 'pki', 'ocsp.crt')));
  });

  it('refuses a second initialisation without touching anything', async () => {
    const before = t.ca.root.pem;
    await assert.rejects(
      initCa({ dataDir: t.dir, keyStore: t.keyStore, config: testConfig }),
      (e) => isPkiError(e, 'ca_already_initialised'),
    );
    const again = await openCa({ dataDir: t.dir, keyStore: t.keyStore });
    assert.equal(again.root.pem, before);
  });

  it('refuses when keys exist without certificates, and removes nothing of theirs', async () => {
    const other = join(t.dir, 'other');
    mkdirSync(other);
    await assert.rejects(initCa({ dataDir: other, keyStore: t.keyStore, config: testConfig }), (e) => isPkiError(e, 'ca_already_initialised'));
    assert.ok(await t.keyStore.has(keyNames.root));
    assert.equal(existsSync(join(other, 'pki')), false);
  });

  it('issues a card-auth certificate with the documented card profile', async () => {
    const key = cardKey();
    const issued = await t.ca.issueCardCertificate({ publicKey: key, profile: 'card-auth', subject, notAfter: inYears(3) });
    const x = new X509Certificate(issued.der);
    const f = readCertificateFields(issued.der);
    assert.ok(x.publicKey.equals(key));
    assert.ok(x.verify(t.ca.issuing.x509.publicKey));
    assert.equal(f.subject.get(oid.countryName), 'LU');
    assert.equal(f.subject.get(oid.commonName), 'MÜLLER,ANNE-MARIE');
    assert.equal(f.subject.get(oid.surname), 'Müller');
    assert.equal(f.subject.get(oid.givenName), 'Anne-Marie');
    assert.equal(f.subject.get(oid.serialNumber), 'PNOLU-19900101123');
    assert.deepEqual([...(f.keyUsage ?? [])], ['digitalSignature']);
    assert.deepEqual(f.extKeyUsage, [oid.kpClientAuth]);
    assert.deepEqual(f.policies, [POLICY_KEY_ON_CARD_PIN_ALWAYS]);
    assert.ok(f.extensions.find((e) => e.oid === oid.keyUsage)?.critical);
    for (const id of [oid.authorityInfoAccess, oid.cRLDistributionPoints, oid.subjectKeyIdentifier, oid.authorityKeyIdentifier]) {
      assert.ok(f.extensions.some((e) => e.oid === id), id);
    }
    assert.match(x.infoAccess ?? '', /OCSP - URI:http:\/\/127\.0\.0\.1:8080\/pki\/ocsp/);
    assert.match(x.infoAccess ?? '', /CA Issuers - URI:http:\/\/127\.0\.0\.1:8080\/pki\/issuing\.crt/);
    assert.equal(issued.serialHex, x.serialNumber.toLowerCase());
    assert.equal(issued.serialHex.length, 32);
    assert.ok(Number.parseInt(issued.serialHex.slice(0, 2), 16) >= 0x40);
  });

  it('a name in Khmer script with its Latin form: SN and GN in Khmer, CN in Latin, all UTF8String', async () => {
    const khmer = { ...subject, surname: 'ស៊ុន', givenName: 'សុភា', latin: { surname: 'Sun', givenName: 'Sophea' } };
    const issued = await t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject: khmer, notAfter: inYears(3) });
    const f = readCertificateFields(issued.der);
    assert.equal(f.subject.get(oid.commonName), 'SUN,SOPHEA');
    assert.equal(f.subject.get(oid.surname), 'ស៊ុន');
    assert.equal(f.subject.get(oid.givenName), 'សុភា');
    const bytes = Buffer.from('សុភា', 'utf8');
    assert.ok(Buffer.from(issued.der).includes(Buffer.concat([Buffer.from([0x0c, bytes.length]), bytes])), 'givenName is a UTF8String');
    await assert.rejects(
      t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject: { ...khmer, latin: { surname: 'ស៊ុន', givenName: 'Sophea' } }, notAfter: inYears(3) }),
      (e) => isPkiError(e, 'profile_subject_invalid'),
    );
  });

  it('issues a card-sign certificate with nonRepudiation and no clientAuth', async () => {
    const issued = await t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-sign', subject, notAfter: inYears(3) });
    const f = readCertificateFields(issued.der);
    assert.deepEqual([...(f.keyUsage ?? [])].sort(), ['digitalSignature', 'nonRepudiation']);
    assert.equal(f.extKeyUsage, undefined);
  });

  it('issues a test-unattested certificate: the test policy only, no EKU, at most 30 days', async () => {
    const issued = await t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'test-unattested', subject, notAfter: inYears(3) });
    const f = readCertificateFields(issued.der);
    assert.deepEqual(f.policies, [POLICY_TEST_UNATTESTED]);
    assert.deepEqual([...(f.keyUsage ?? [])], ['digitalSignature']);
    assert.equal(f.extKeyUsage, undefined);
    assert.equal(issued.notAfter.getTime() - issued.notBefore.getTime(), 30 * 86_400_000);
  });

  it('gives every certificate a different serial', async () => {
    const serials = new Set<string>();
    for (let i = 0; i < 20; i++) {
      serials.add((await t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject, notAfter: inYears(1) })).serialHex);
    }
    assert.equal(serials.size, 20);
  });

  it('caps validity by the card expiry and by the profile maximum', async () => {
    const cardExpiry = new Date(Math.floor(Date.now() / 1000) * 1000 + 400 * 86_400_000);
    const a = await t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject, notAfter: cardExpiry });
    assert.equal(a.notAfter.getTime(), cardExpiry.getTime());
    const b = await t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject, notAfter: inYears(9) });
    assert.ok(b.notAfter.getTime() - b.notBefore.getTime() <= testConfig.maxCardValidityDays * 86_400_000);
  });

  const refusals: [string, Partial<IssueRequest> & { subject?: unknown }, PkiErrorCode][] = [
    ['country of another state', { subject: { ...subject, country: 'FR' } }, 'profile_subject_invalid'],
    ['lower-case country', { subject: { ...subject, country: 'lu' } }, 'profile_subject_invalid'],
    ['comma in surname (CN separator)', { subject: { ...subject, surname: 'Doe,Smith' } }, 'profile_subject_invalid'],
    ['control character in given name', { subject: { ...subject, givenName: 'Ann\u0000e' } }, 'profile_subject_invalid'],
    ['empty surname', { subject: { ...subject, surname: '  ' } }, 'profile_subject_invalid'],
    ['surname over 64 characters', { subject: { ...subject, surname: 'A'.repeat(65) } }, 'profile_subject_invalid'],
    ['national id with a dash', { subject: { ...subject, nationalId: '123-45' } }, 'profile_subject_invalid'],
    ['missing national id', { subject: { country: 'LU', surname: 'Doe', givenName: 'Jane' } as never }, 'profile_subject_invalid'],
    ['P-384 card key', { publicKey: generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey }, 'profile_key_not_allowed'],
    ['RSA card key', { publicKey: generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey }, 'profile_key_not_allowed'],
    ['garbage SPKI bytes', { publicKey: new Uint8Array([0x30, 0x03, 0x01, 0x01, 0x00]) }, 'profile_key_not_allowed'],
    ['card already expired', { notAfter: new Date(Date.now() - 1000) }, 'profile_validity_invalid'],
    ['invalid date', { notAfter: new Date('x') }, 'profile_validity_invalid'],
    ['unknown profile', { profile: 'card-root' as never }, 'profile_unknown'],
  ];
  for (const [name, change, code] of refusals) {
    it(`refuses: ${name} → ${code}`, async () => {
      const request = { publicKey: cardKey(), profile: 'card-auth', subject, notAfter: inYears(2), ...change } as IssueRequest;
      await assert.rejects(t.ca.issueCardCertificate(request), (e) => isPkiError(e, code));
    });
  }

  it('publishes the result-signing key as an ES256 JWK whose kid is the RFC 7638 thumbprint', async () => {
    const jwk = await t.ca.resultSigningJwk();
    assert.equal(jwk.alg, 'ES256');
    assert.equal(jwk.crv, 'P-256');
    const { calculateJwkThumbprint } = await import('jose');
    assert.equal(jwk.kid, await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }));
    const signer = await t.ca.resultSigner();
    const { CompactSign, compactVerify, importJWK } = await import('jose');
    const payload = new TextEncoder().encode('{"sub":"x"}');
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: jwk.kid })).toString('base64url');
    const body = Buffer.from(payload).toString('base64url');
    const sig = await signer.sign(Buffer.from(`${header}.${body}`), 'ieee-p1363');
    const jws = `${header}.${body}.${sig.toString('base64url')}`;
    const verified = await compactVerify(jws, await importJWK(jwk, 'ES256'));
    assert.deepEqual(Buffer.from(verified.payload), Buffer.from(payload));
    void CompactSign;
  });

  it('supports a P-384 issuing CA (ecdsa-with-SHA384 card certificates that verify)', async () => {
    const p384 = await makeTestCa({ issuingCurve: 'P-384' });
    try {
      assert.equal(p384.ca.issuing.x509.publicKey.asymmetricKeyDetails?.namedCurve, 'secp384r1');
      const c = await p384.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject, notAfter: inYears(1) });
      assert.equal(readCertificateFields(c.der).outerSignatureAlgorithm, oid.ecdsaWithSha384);
      const verifier = createCardCertificateVerifier({ issuing: p384.ca.issuing, root: p384.ca.root, status: async () => ({ status: 'good' }) });
      assert.equal((await verifier.verify(c.der)).serialHex, c.serialHex);
    } finally {
      await p384.cleanup();
    }
  });

  it('openCa fails clearly on a directory without a CA and on a mismatched key', async () => {
    const empty = join(t.dir, 'empty');
    mkdirSync(empty, { recursive: true });
    await assert.rejects(openCa({ dataDir: empty, keyStore: t.keyStore }), (e) => isPkiError(e, 'ca_not_initialised'));
    const second = await makeTestCa();
    try {
      // t's certificates with second's keys: the issuing key does not match issuing.crt
      await assert.rejects(openCa({ dataDir: t.dir, keyStore: second.keyStore }), (e) => isPkiError(e, 'ca_state_corrupt'));
    } finally {
      await second.cleanup();
    }
    writeFileSync(join(empty, 'x'), '');
  });
});
