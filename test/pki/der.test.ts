// The DER writer and strict reader (X.690 §8, §10), checked at the length
// boundaries and against asn1js (an independent implementation) and openssl.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import * as asn1js from 'asn1js';
import fc from 'fast-check';
import { isPkiError } from '../../pki/index.js';
import { signCertificate } from '../../pki/issue/sign-certificate.js';
import {
  bigInteger,
  explicit,
  generalizedTime,
  nullValue,
  objectIdentifier,
  octetString,
  seq,
  smallInteger,
  tlv,
  unsignedInteger,
  x509Time,
} from '../../pki/lib/der.js';
import { children, DerError, integerBytes, oidOf, readOne, TAG } from '../../pki/lib/der-reader.js';
import * as ext from '../../pki/lib/extensions.js';
import { buildName } from '../../pki/lib/names.js';
import { oid } from '../../pki/lib/oids.js';
import { randomSerial } from '../../pki/lib/serial.js';
import { spkiDer } from '../../pki/lib/spki.js';
import { parseOcspRequest } from '../../pki/ocsp/parse-request.js';
import { readCertificateFields } from '../../pki/verify/read-certificate-fields.js';
import { keySigner, makeCaCert } from './attestation-chains.js';

describe('pki/lib DER writer and reader', () => {
  it('encodes lengths at the short/long boundaries (127, 128, 255, 256, 65536)', () => {
    for (const n of [0, 127, 128, 255, 256, 65_536]) {
      const der = octetString(Buffer.alloc(n, 0xab));
      const t = readOne(der);
      assert.equal(t.tag, TAG.octetString);
      assert.equal(t.value.length, n);
      const ref = asn1js.fromBER(der);
      assert.equal(ref.offset, der.length);
    }
    assert.deepEqual([...octetString(Buffer.alloc(128)).subarray(0, 3)], [0x04, 0x81, 0x80]);
    assert.deepEqual([...octetString(Buffer.alloc(256)).subarray(0, 4)], [0x04, 0x82, 0x01, 0x00]);
  });

  const refusals: [string, number[]][] = [
    ['indefinite length', [0x30, 0x80, 0x00, 0x00]],
    ['non-minimal long length', [0x04, 0x81, 0x05, 1, 2, 3, 4, 5]],
    ['length with leading zero octet', [0x04, 0x82, 0x00, 0x81, ...Array(0x81).fill(0)]],
    ['value past the end', [0x04, 0x05, 1, 2]],
    ['trailing bytes', [0x05, 0x00, 0x00]],
    ['multi-octet tag', [0x1f, 0x81, 0x00, 0x00]],
    ['truncated header', [0x30]],
  ];
  for (const [name, bytes] of refusals) {
    it(`refuses ${name}`, () => {
      assert.throws(() => readOne(Uint8Array.from(bytes)), DerError);
    });
  }

  it('refuses non-minimal INTEGERs and reads minimal ones', () => {
    assert.throws(() => integerBytes(readOne(Uint8Array.of(0x02, 0x02, 0x00, 0x01)), 'i'), DerError);
    assert.throws(() => integerBytes(readOne(Uint8Array.of(0x02, 0x02, 0xff, 0x80)), 'i'), DerError);
    assert.deepEqual([...integerBytes(readOne(Uint8Array.of(0x02, 0x02, 0x00, 0x80)), 'i')], [0x00, 0x80]);
    assert.deepEqual([...unsignedInteger(Uint8Array.of(0, 0, 0x80))], [0x02, 0x02, 0x00, 0x80]);
    assert.deepEqual([...bigInteger(0n)], [0x02, 0x01, 0x00]);
  });

  it('round-trips OIDs with large arcs (2.25.<UUID>) and agrees with asn1js on small ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.array(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), { maxLength: 6 }), fc.integer({ min: 0, max: 39 }), (a, rest, b) => {
        const text = [a, b, ...rest].join('.');
        assert.equal(oidOf(readOne(objectIdentifier(text)), 'oid'), text);
      }),
    );
    const small = '1.2.840.10045.4.3.2';
    assert.equal(new asn1js.ObjectIdentifier({ value: small }).toBER().byteLength, objectIdentifier(small).length);
    assert.deepEqual(Buffer.from(new asn1js.ObjectIdentifier({ value: small }).toBER()), objectIdentifier(small));
  });

  it('writes UTCTime until 2049 and GeneralizedTime from 2050, whole seconds', () => {
    assert.equal(Buffer.from(x509Time(new Date('2049-12-31T23:59:59Z'))).subarray(2).toString(), '491231235959Z');
    assert.equal(x509Time(new Date('2049-12-31T23:59:59Z'))[0], 0x17);
    assert.equal(Buffer.from(x509Time(new Date('2050-01-01T00:00:00Z'))).subarray(2).toString(), '20500101000000Z');
    assert.equal(Buffer.from(generalizedTime(new Date('2026-11-23T21:00:05Z'))).subarray(2).toString(), '20261123210005Z');
  });

  it('assembles EC SubjectPublicKeyInfo exactly as node/OpenSSL encode it', () => {
    for (const curve of ['P-256', 'P-384'] as const) {
      for (let i = 0; i < 20; i++) {
        const key = generateKeyPairSync('ec', { namedCurve: curve }).publicKey;
        assert.ok(spkiDer(key).equals(key.export({ format: 'der', type: 'spki' })), curve);
      }
    }
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    assert.ok(spkiDer(rsa).equals(rsa.export({ format: 'der', type: 'spki' })));
  });

  it('nests and reads back sequences', () => {
    const der = seq(octetString(Uint8Array.of(1)), seq(objectIdentifier('2.5.4.3')));
    const [a, b] = children(readOne(der));
    assert.equal(a?.tag, TAG.octetString);
    assert.equal(oidOf(children(b!)[0], 'x'), '2.5.4.3');
  });

  describe('X.690 §11.5: a value equal to its DEFAULT is never encoded', () => {
    const FALSE = tlv(0x01, Uint8Array.of(0x00));

    async function certificateWith(extensions: Buffer[]): Promise<Buffer> {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const name = buildName([{ type: oid.commonName, value: 'DEFAULT test' }]);
      return signCertificate(
        { serial: randomSerial(), issuer: name, subject: name, notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000), publicKey, extensions },
        keySigner('t', privateKey, publicKey),
      );
    }

    it('a certificate extension with critical FALSE written out is refused (cert_malformed)', async () => {
      const explicitFalse = seq(objectIdentifier(oid.extKeyUsage), FALSE, octetString(seq(objectIdentifier(oid.kpClientAuth))));
      const der = await certificateWith([ext.keyUsage(['digitalSignature']), explicitFalse]);
      assert.throws(() => readCertificateFields(der), (e) => isPkiError(e, 'cert_malformed'));
      // the same extension with the DEFAULT left out reads
      assert.deepEqual(readCertificateFields(await certificateWith([ext.keyUsage(['digitalSignature']), ext.extKeyUsage([oid.kpClientAuth])])).extKeyUsage, [oid.kpClientAuth]);
    });

    it('basicConstraints with cA FALSE written out is refused (cert_malformed)', async () => {
      const root = await makeCaCert({ cn: 'root' });
      const c = await makeCaCert({ cn: 'cA FALSE written out', issuer: root, basic: 'explicit-false', keyUsage: ['digitalSignature'] });
      assert.throws(() => readCertificateFields(c.der), (e) => isPkiError(e, 'cert_malformed'));
    });

    it('a TBSCertificate with version v1 written out is refused (cert_malformed)', async () => {
      const der = await certificateWith([]);
      const v3 = Buffer.from('a003020102', 'hex');
      const at = der.indexOf(v3);
      assert.ok(at > 0 && at < 12);
      const v1 = Buffer.from(der);
      v1[at + 4] = 0x00;
      assert.throws(() => readCertificateFields(v1), (e) => isPkiError(e, 'cert_malformed'));
    });

    const certId = seq(seq(objectIdentifier(oid.sha1), nullValue()), octetString(Buffer.alloc(20, 1)), octetString(Buffer.alloc(20, 2)), smallInteger(7));
    const nonce = (critical: Buffer[]): Buffer => seq(objectIdentifier(oid.ocspNonce), ...critical, octetString(octetString(Buffer.alloc(16, 9))));
    const request = (tbsParts: Buffer[]): Buffer => seq(seq(...tbsParts));

    it('an OCSP request reads when no DEFAULT is written out', () => {
      const r = parseOcspRequest(request([seq(seq(certId)), explicit(2, seq(nonce([])))]));
      assert.equal(r.certIds.length, 1);
    });

    it('an OCSP request with version v1 written out is refused (ocsp_request_malformed)', () => {
      assert.throws(() => parseOcspRequest(request([explicit(0, smallInteger(0)), seq(seq(certId))])), (e) => isPkiError(e, 'ocsp_request_malformed'));
    });

    it('an OCSP request extension with critical FALSE written out is refused (ocsp_request_malformed)', () => {
      assert.throws(() => parseOcspRequest(request([seq(seq(certId)), explicit(2, seq(nonce([FALSE])))])), (e) => isPkiError(e, 'ocsp_request_malformed'));
    });
  });
});
