// The DER writer and strict reader (X.690 §8, §10), checked at the length
// boundaries and against asn1js (an independent implementation) and openssl.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import * as asn1js from 'asn1js';
import fc from 'fast-check';
import { bigInteger, generalizedTime, objectIdentifier, octetString, seq, unsignedInteger, x509Time } from '../../pki/lib/der.js';
import { children, DerError, integerBytes, oidOf, readOne, TAG } from '../../pki/lib/der-reader.js';
import { spkiDer } from '../../pki/lib/spki.js';

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
});
