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

export function spkiDer(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' });
}

/** The raw subjectPublicKey bits (for EC: the uncompressed point 04||X||Y). */
export function subjectPublicKeyBits(key: KeyObject): Buffer {
  if (key.asymmetricKeyType === 'ec') {
    const jwk = key.export({ format: 'jwk' });
    return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
  }
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey BIT STRING } (unused-bits octet dropped)
  const bits = expect(children(readOne(spkiDer(key)))[1], TAG.bitString, 'subjectPublicKey').value;
  return Buffer.from(bits.subarray(1));
}

export function keyIdentifier(key: KeyObject): Buffer {
  return createHash('sha1').update(subjectPublicKeyBits(key)).digest();
}
