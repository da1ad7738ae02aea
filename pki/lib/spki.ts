// Public keys: normalising what callers pass, checking the curve, and the
// key identifiers of RFC 5280 §4.2.1.2 (method 1: SHA-1 of the
// subjectPublicKey BIT STRING contents).
import { createHash, createPublicKey, KeyObject } from 'node:crypto';
import { PkiError } from '../errors.js';
import { children, expect, readOne, TAG } from './der-reader.js';
import type { CurveName, PublicKeyInput } from '../types.js';

export function toPublicKeyObject(key: PublicKeyInput): KeyObject {
  if (key instanceof KeyObject) {
    if (key.type !== 'public') throw new PkiError('profile_key_not_allowed', 'a public key is required');
    return key;
  }
  try {
    return createPublicKey({ key: Buffer.from(key), format: 'der', type: 'spki' });
  } catch (err) {
    throw new PkiError('profile_key_not_allowed', 'the public key is not a valid SubjectPublicKeyInfo', { cause: err });
  }
}

export function curveOfKey(key: KeyObject): CurveName | undefined {
  if (key.asymmetricKeyType !== 'ec') return undefined;
  const c = key.asymmetricKeyDetails?.namedCurve;
  return c === 'prime256v1' ? 'P-256' : c === 'secp384r1' ? 'P-384' : undefined;
}

// SubjectPublicKeyInfo headers for uncompressed EC points (RFC 5480 §2):
// SEQUENCE { SEQUENCE { id-ecPublicKey, namedCurve }, BIT STRING 00 04||X||Y }.
const EC_SPKI_PREFIX: Record<CurveName, Buffer> = {
  'P-256': Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'),
  'P-384': Buffer.from('3076301006072a8648ce3d020106052b81040022036200', 'hex'),
};

const spkiCache = new WeakMap<KeyObject, Buffer>();

/**
 * DER SubjectPublicKeyInfo of a public key. For EC keys it is assembled from
 * the JWK coordinates: node's DER export goes through OpenSSL's encoder and
 * costs ~0.3 ms, the largest single cost of issuing a certificate.
 */
export function spkiDer(key: KeyObject): Buffer {
  const cached = spkiCache.get(key);
  if (cached) return cached;
  const curve = curveOfKey(key);
  const der = curve ? Buffer.concat([EC_SPKI_PREFIX[curve], subjectPublicKeyBits(key)]) : key.export({ format: 'der', type: 'spki' });
  spkiCache.set(key, der);
  return der;
}

/** The raw subjectPublicKey bits (for EC: the uncompressed point 04||X||Y). */
export function subjectPublicKeyBits(key: KeyObject): Buffer {
  if (key.asymmetricKeyType === 'ec') {
    const jwk = key.export({ format: 'jwk' });
    return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
  }
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey BIT STRING } (unused-bits octet dropped)
  const bits = expect(children(readOne(key.export({ format: 'der', type: 'spki' })))[1], TAG.bitString, 'subjectPublicKey').value;
  return Buffer.from(bits.subarray(1));
}

export function keyIdentifier(key: KeyObject): Buffer {
  return createHash('sha1').update(subjectPublicKeyBits(key)).digest();
}
