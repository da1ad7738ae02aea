// Public keys as the card sends them (SP 800-73-4 Part 2 §3.3.2, Table 11
// "Data objects in the template 7F49"): RSA as 81 modulus, 82 exponent; EC as
// 86 uncompressed point 04‖X‖Y (SEC 1 §2.3.3). Turned into a node KeyObject
// (SubjectPublicKeyInfo on export) after checking the point is on the curve
// (createPublicKey rejects points that are not).
import { createPublicKey, type KeyObject } from 'node:crypto';
import { cardError } from '../../codes.js';
import { isRsaAlgorithm, rsaModulusBytes, type KeyAlgorithm } from '../constants.js';
import { findTag, type Tlv } from './tlv.js';

const curveOf = { ECCP256: { crv: 'P-256', size: 32 }, ECCP384: { crv: 'P-384', size: 48 } } as const;

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

function stripLeadingZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** Build a KeyObject from the 7F49 member TLVs for `algorithm`. */
export function publicKeyFromTlvs(items: readonly Tlv[], algorithm: KeyAlgorithm): KeyObject {
  try {
    if (isRsaAlgorithm(algorithm)) {
      const n = findTag(items, 0x81);
      const e = findTag(items, 0x82);
      if (n === undefined || e === undefined) throw new Error('RSA key without modulus or exponent');
      const modulus = stripLeadingZeros(n);
      if (modulus.length !== rsaModulusBytes[algorithm]) throw new Error('RSA modulus of the wrong size');
      return createPublicKey({ key: { kty: 'RSA', n: b64u(modulus), e: b64u(stripLeadingZeros(e)) }, format: 'jwk' });
    }
    const point = findTag(items, 0x86);
    const curve = curveOf[algorithm];
    if (point === undefined || point.length !== 1 + 2 * curve.size || point[0] !== 0x04) {
      throw new Error('EC key is not an uncompressed point of the right size');
    }
    const x = point.subarray(1, 1 + curve.size);
    const y = point.subarray(1 + curve.size);
    return createPublicKey({ key: { kty: 'EC', crv: curve.crv, x: b64u(x), y: b64u(y) }, format: 'jwk' });
  } catch (cause) {
    throw cardError('card_protocol_error', `The card returned an unusable ${algorithm} public key`, { cause });
  }
}

/** DER SubjectPublicKeyInfo of a key. */
export function spkiOf(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ type: 'spki', format: 'der' }));
}
