// The card-certificate verifier (authentication hot path) and its table of
// bad inputs, each named by cause and asserting its stable code. Includes the
// forged-leaf case (pkijs's chain engine accepted a leaf signed by the wrong
// key when given [leaf, CA]; docs/decisions.md).
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  createCardCertificateVerifier,
  isPkiError,
  keyNames,
  oid,
  POLICY_KEY_ON_CARD_PIN_ALWAYS,
  type CardCertificateVerifier,
  type PkiErrorCode,
  type Signer,
} from '../../pki/index.js';
import { signCertificate } from '../../pki/issue/sign-certificate.js';
import * as ext from '../../pki/lib/extensions.js';
import { buildName } from '../../pki/lib/names.js';
import { randomSerial } from '../../pki/lib/serial.js';
import { keyIdentifier } from '../../pki/lib/spki.js';
import { cardKey, inYears, makeTestCa, StatusTable, subject, type TestCa } from './helpers.js';

interface Variant {
  key?: KeyObject;
  extensions?: ReturnType<typeof ext.keyUsage>[];
  signer?: Signer;
  notBefore?: Date;
  notAfter?: Date;
}

describe('pki/verify card certificate verifier', () => {
  let t: TestCa;
  let other: TestCa;
  let issuingSigner: Signer;
  let status: StatusTable;
  let verifier: CardCertificateVerifier;
  let good: { der: Buffer; serialHex: string; notBefore: Date; notAfter: Date };

  const standardExtensions = (key: KeyObject): ReturnType<typeof ext.keyUsage>[] => [
    ext.basicConstraints(false),
    ext.keyUsage(['digitalSignature']),
    ext.extKeyUsage([oid.kpClientAuth]),
    ext.certificatePolicies([POLICY_KEY_ON_CARD_PIN_ALWAYS]),
    ext.subjectKeyIdentifier(keyIdentifier(key)),
    ext.authorityKeyIdentifier(t.ca.issuing.keyId),
  ];

  /** A certificate built outside the profile pipeline, to make each defect on purpose. */
  async function variant(v: Variant): Promise<Buffer> {
    const key = v.key ?? cardKey();
    return signCertificate(
      {
        serial: randomSerial(),
        issuer: t.ca.issuing.subjectDer,
        subject: buildName([{ type: oid.countryName, value: 'LU' }, { type: oid.commonName, value: 'DOE,JANE' }]),
        notBefore: v.notBefore ?? new Date(Date.now() - 60_000),
        notAfter: v.notAfter ?? inYears(1),
        publicKey: key,
        extensions: v.extensions ?? standardExtensions(key),
      },
      v.signer ?? issuingSigner,
    );
  }

  before(async () => {
    t = await makeTestCa();
    other = await makeTestCa({ organization: 'Other State' });
    issuingSigner = await t.keyStore.getSigner(keyNames.issuing);
    status = new StatusTable();
    verifier = createCardCertificateVerifier({ issuing: t.ca.issuing.pem, root: t.ca.root.der, status: status.lookup });
    good = await t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject, notAfter: inYears(2) });
    status.set(good.serialHex as never, { status: 'good' });
  });
  after(async () => {
    await t.cleanup();
    await other.cleanup();
  });

  it('accepts a good card certificate and returns its key and subject', async () => {
    const v = await verifier.verify(good.der);
    assert.equal(v.serialHex, good.serialHex);
    assert.equal(v.subject.serialNumber, 'PNOLU-19900101123');
    assert.equal(v.subject.commonName, 'MÜLLER,ANNE-MARIE');
    assert.equal(v.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  });

  it('caches the chain result per certificate hash but asks for status every time', async () => {
    let calls = 0;
    const counting = createCardCertificateVerifier({
      issuing: t.ca.issuing,
      root: t.ca.root,
      status: async (s) => {
        calls++;
        return status.lookup(s);
      },
    });
    const a = await counting.verify(good.der);
    const b = await counting.verify(Uint8Array.from(good.der));
    assert.equal(a.publicKey, b.publicKey, 'the second call reuses the parsed certificate');
    assert.equal(calls, 2);
  });

  it('keeps accepted certificates cached while junk streams in', async () => {
    const small = createCardCertificateVerifier({ issuing: t.ca.issuing, root: t.ca.root, status: status.lookup, cacheEntries: 10 });
    const first = await small.verify(good.der);
    for (let i = 0; i < 50; i++) await assert.rejects(small.verify(Buffer.from([0x30, 0x03, 0x02, 0x01, i])));
    const again = await small.verify(good.der);
    assert.equal(again.publicKey, first.publicKey, 'still the cached entry');
  });

  it('follows status changes: hold, release, revoke (permanent)', async () => {
    const c = await t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject, notAfter: inYears(2) });
    status.set(c.serialHex, { status: 'hold', since: new Date() });
    await assert.rejects(verifier.verify(c.der), (e) => isPkiError(e, 'cert_on_hold'));
    status.set(c.serialHex, { status: 'good' });
    await verifier.verify(c.der);
    status.set(c.serialHex, { status: 'revoked', reason: 'keyCompromise', at: new Date() });
    await assert.rejects(verifier.verify(c.der), (e) => isPkiError(e, 'cert_revoked'));
  });

  it('fails closed when the status is unknown or the status port fails', async () => {
    const c = await t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject, notAfter: inYears(2) });
    await assert.rejects(verifier.verify(c.der), (e) => isPkiError(e, 'cert_status_unknown'));
    const broken = createCardCertificateVerifier({
      issuing: t.ca.issuing,
      root: t.ca.root,
      status: async () => {
        throw new Error('registry down');
      },
    });
    await assert.rejects(broken.verify(good.der), (e) => isPkiError(e, 'status_unavailable'));
    const odd = createCardCertificateVerifier({ issuing: t.ca.issuing, root: t.ca.root, status: async () => ({ status: 'maybe' }) as never });
    await assert.rejects(odd.verify(good.der), (e) => isPkiError(e, 'status_unavailable'));
  });

  it('checks validity at the time given (boundaries inclusive)', async () => {
    await verifier.verify(good.der, good.notBefore);
    await verifier.verify(good.der, good.notAfter);
    await assert.rejects(verifier.verify(good.der, new Date(good.notAfter.getTime() + 1000)), (e) => isPkiError(e, 'cert_expired'));
    await assert.rejects(verifier.verify(good.der, new Date(good.notBefore.getTime() - 1000)), (e) => isPkiError(e, 'cert_not_yet_valid'));
  });

  it('refuses to be built on an issuing CA that the root did not sign', () => {
    assert.throws(
      () => createCardCertificateVerifier({ issuing: t.ca.issuing, root: other.ca.root, status: status.lookup }),
      (e) => isPkiError(e, 'ca_state_corrupt'),
    );
  });

  describe('bad input table', () => {
    const cases: [string, () => Promise<Uint8Array>, PkiErrorCode][] = [
      ['empty input', async () => new Uint8Array(0), 'cert_malformed'],
      ['random bytes', async () => Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff), 'cert_malformed'],
      ['truncated DER', async () => good.der.subarray(0, good.der.length - 7), 'cert_malformed'],
      ['trailing bytes after the certificate', async () => Buffer.concat([good.der, Buffer.from([0, 0])]), 'cert_malformed'],
      ['oversized input (4097 bytes)', async () => Buffer.alloc(4097, 0x30), 'cert_too_large'],
      ['PEM text instead of DER', async () => Buffer.from(t.ca.issuing.pem), 'cert_malformed'],
      [
        'outer signature algorithm differs from the TBS one',
        async () => {
          const der = Buffer.from(good.der);
          const sha256 = Buffer.from('06082a8648ce3d040302', 'hex');
          const last = der.lastIndexOf(sha256);
          der[last + sha256.length - 1] = 0x03; // ecdsa-with-SHA384
          return der;
        },
        'cert_unsupported_algorithm',
      ],
      ['RSA card key', async () => variant({ key: generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey }), 'cert_unsupported_algorithm'],
      ['P-384 card key', async () => variant({ key: generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey }), 'cert_unsupported_algorithm'],
      [
        'unknown critical extension',
        async () => {
          const key = cardKey();
          const unknown = ext.extension('1.3.6.1.4.1.99999.1', true, Buffer.from([0x05, 0x00]));
          return variant({ key, extensions: [...standardExtensions(key), unknown] });
        },
        'cert_unknown_critical_extension',
      ],
      ['CA certificate used as a leaf (issuing CA)', async () => t.ca.issuing.der, 'cert_is_ca'],
      [
        'leaf claiming cA=TRUE',
        async () => {
          const key = cardKey();
          return variant({ key, extensions: [ext.basicConstraints(true, 0), ...standardExtensions(key).slice(1)] });
        },
        'cert_is_ca',
      ],
      ['OCSP responder certificate (wrong purpose)', async () => t.ca.ocsp.der, 'cert_wrong_purpose'],
      [
        'card-sign certificate (no clientAuth)',
        async () => (await t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-sign', subject, notAfter: inYears(1) })).der,
        'cert_wrong_purpose',
      ],
      [
        'keyUsage without digitalSignature',
        async () => {
          const key = cardKey();
          const e = standardExtensions(key);
          e[1] = ext.keyUsage(['keyAgreement']);
          return variant({ key, extensions: e });
        },
        'cert_wrong_purpose',
      ],
      [
        'no "key on card, PIN always" policy',
        async () => {
          const key = cardKey();
          return variant({ key, extensions: standardExtensions(key).filter((_, i) => i !== 3) });
        },
        'cert_wrong_policy',
      ],
      [
        'another policy OID',
        async () => {
          const key = cardKey();
          const e = standardExtensions(key).map((x, i) => (i === 3 ? ext.certificatePolicies(['2.25.1']) : x));
          return variant({ key, extensions: e });
        },
        'cert_wrong_policy',
      ],
      [
        'leaf from another CA',
        async () => (await other.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject, notAfter: inYears(1) })).der,
        'cert_untrusted_issuer',
      ],
      [
        'forged leaf: our issuer name and key id, signed by another key',
        async () => {
          const forger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
          const { sign } = await import('node:crypto');
          const signer: Signer = {
            name: 'forger',
            curve: 'P-256',
            publicKey: forger.publicKey,
            sign: async (d) => sign('sha256', d, forger.privateKey),
          };
          return variant({ signer });
        },
        'cert_signature_invalid',
      ],
    ];
    for (const [name, make, code] of cases) {
      it(`${name} → ${code}`, async () => {
        const der = await make();
        await assert.rejects(verifier.verify(der), (e) => isPkiError(e, code));
        // and the same again from the cache
        await assert.rejects(verifier.verify(der), (e) => isPkiError(e, code));
      });
    }
  });
});
