// Asymmetric key operations of the card (SP 800-73-4 Part 2 §3.2.4 and §3.3.2;
// SP 800-78-4 algorithms): key generation, the public key data object, raw RSA
// (the host pads), ECDSA over a digest the host computed, and ECDH.
// ECDSA uses @noble/curves because node:crypto cannot sign a pre-computed digest.

import {
  createECDH, createPrivateKey, createPublicKey, generateKeyPair, privateDecrypt, constants as C,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { p256, p384 } from '@noble/curves/nist.js';
import { SW, SwError } from '../apdu/sw.js';
import { concat, tlv } from '../tlv/ber.js';
import type { KeyMaterial } from '../card/state.js';
import { EC_CURVE, RSA_BITS } from './constants.js';

const generateKeyPairAsync = promisify(generateKeyPair);

const CURVES = {
  'P-256': { noble: p256, size: 32, ecdh: 'prime256v1' },
  'P-384': { noble: p384, size: 48, ecdh: 'secp384r1' },
} as const;

export async function generateKey(algorithm: number): Promise<KeyMaterial> {
  const curve = EC_CURVE[algorithm];
  if (curve !== undefined) {
    const c = CURVES[curve];
    const d = c.noble.utils.randomSecretKey();
    return { kind: 'ec', curve, d, point: c.noble.getPublicKey(d, false) };
  }
  const bits = RSA_BITS[algorithm];
  if (bits === undefined) throw new SwError(SW.WRONG_DATA);
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: bits, publicExponent: 65537 });
  return { kind: 'rsa', bits, pkcs8: new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' })) };
}

/** EC key from a private scalar (Yubico IMPORT KEY tag 06); an invalid scalar → 6A80. */
export function ecKeyFromScalar(curve: 'P-256' | 'P-384', scalar: Uint8Array): KeyMaterial {
  const c = CURVES[curve];
  if (scalar.length !== c.size) throw new SwError(SW.WRONG_DATA);
  let point: Uint8Array;
  try {
    point = c.noble.getPublicKey(scalar, false);
  } catch {
    throw new SwError(SW.WRONG_DATA);
  }
  return { kind: 'ec', curve, d: scalar.slice(), point };
}

function rsaPrivate(m: Extract<KeyMaterial, { kind: 'rsa' }>): KeyObject {
  return createPrivateKey({ key: Buffer.from(m.pkcs8), format: 'der', type: 'pkcs8' });
}

function rsaPublicParts(m: Extract<KeyMaterial, { kind: 'rsa' }>): { n: Uint8Array; e: Uint8Array } {
  const jwk = createPublicKey(rsaPrivate(m)).export({ format: 'jwk' });
  return { n: new Uint8Array(Buffer.from(jwk.n!, 'base64url')), e: new Uint8Array(Buffer.from(jwk.e!, 'base64url')) };
}

/** Left-pad a big-endian integer to `len` bytes. */
function fixed(v: Uint8Array, len: number): Uint8Array {
  if (v.length >= len) return v.subarray(v.length - len);
  return concat(new Uint8Array(len - v.length), v);
}

/**
 * The public key data object of GENERATE ASYMMETRIC KEY PAIR (Part 2 §3.3.2,
 * Table 23): `7F49 { 81 modulus, 82 exponent }` or `7F49 { 86 point }`.
 * ykpiv 2.2.0 parses fixed offsets, so the modulus is always the full size.
 */
export function publicKeyTemplate(m: KeyMaterial): Uint8Array {
  return tlv(0x7f49, publicKeyFields(m));
}

/** The inner fields of the public key object (also GET METADATA tag 04). */
export function publicKeyFields(m: KeyMaterial): Uint8Array {
  if (m.kind === 'ec') return tlv(0x86, m.point);
  const { n, e } = rsaPublicParts(m);
  return concat(tlv(0x81, fixed(n, m.bits / 8)), tlv(0x82, e));
}

/**
 * Check key material read from a card file: the EC point must belong to the
 * scalar, the RSA key must parse and have the recorded size.
 */
export function keyMaterialIsConsistent(m: KeyMaterial): boolean {
  try {
    if (m.kind === 'ec') {
      const p = CURVES[m.curve].noble.getPublicKey(m.d, false);
      return Buffer.from(p).equals(Buffer.from(m.point));
    }
    return rsaPrivate(m).asymmetricKeyDetails?.modulusLength === m.bits;
  } catch {
    return false;
  }
}

/** The key as a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), for certificates. */
export function subjectPublicKeyInfo(m: KeyMaterial): Uint8Array {
  if (m.kind === 'rsa') {
    return new Uint8Array(createPublicKey(rsaPrivate(m)).export({ type: 'spki', format: 'der' }));
  }
  const x = Buffer.from(m.point.subarray(1, 1 + CURVES[m.curve].size)).toString('base64url');
  const y = Buffer.from(m.point.subarray(1 + CURVES[m.curve].size)).toString('base64url');
  return new Uint8Array(createPublicKey({ key: { kty: 'EC', crv: m.curve, x, y }, format: 'jwk' }).export({ type: 'spki', format: 'der' }));
}

/** A node:crypto private key object for the card's own signing (attestation with F9). */
export function privateKeyObject(m: KeyMaterial): KeyObject {
  if (m.kind === 'rsa') return rsaPrivate(m);
  const size = CURVES[m.curve].size;
  return createPrivateKey({
    key: {
      kty: 'EC', crv: m.curve,
      x: Buffer.from(m.point.subarray(1, 1 + size)).toString('base64url'),
      y: Buffer.from(m.point.subarray(1 + size)).toString('base64url'),
      d: Buffer.from(m.d).toString('base64url'),
    },
    format: 'jwk',
  });
}

/**
 * ECDSA over the bytes the host sent as the digest. Longer input is truncated
 * to the field size (SEC 1 §4.1.3 step 5 takes the leftmost bits; OpenSC sends
 * a 32-byte hash even to P-384 keys). Returns a DER signature.
 */
export function ecdsaSignDigest(m: Extract<KeyMaterial, { kind: 'ec' }>, digest: Uint8Array): Uint8Array {
  const c = CURVES[m.curve];
  if (digest.length === 0) throw new SwError(SW.WRONG_DATA);
  const h = digest.length > c.size ? digest.subarray(0, c.size) : digest;
  return c.noble.sign(h, m.d, { prehash: false, format: 'der', extraEntropy: true });
}

/** ECDH (SP 800-56A, cofactor = 1): the x coordinate of d·Q. Invalid point → 6A80. */
export function ecdh(m: Extract<KeyMaterial, { kind: 'ec' }>, peer: Uint8Array): Uint8Array {
  const c = CURVES[m.curve];
  if (peer.length !== 2 * c.size + 1 || peer[0] !== 0x04) throw new SwError(SW.WRONG_DATA);
  const e = createECDH(c.ecdh);
  e.setPrivateKey(m.d);
  try {
    return new Uint8Array(e.computeSecret(peer));
  } catch {
    throw new SwError(SW.WRONG_DATA);
  }
}

/**
 * Raw RSA private operation (the host applied PKCS#1 or PSS padding): input of
 * exactly the modulus size, numerically below the modulus → else 6A80.
 */
export function rsaRaw(m: Extract<KeyMaterial, { kind: 'rsa' }>, input: Uint8Array): Uint8Array {
  if (input.length !== m.bits / 8) throw new SwError(SW.WRONG_DATA);
  const key = rsaPrivate(m);
  const { n } = rsaPublicParts(m);
  if (Buffer.compare(Buffer.from(input), Buffer.from(fixed(n, m.bits / 8))) >= 0) throw new SwError(SW.WRONG_DATA);
  return fixed(new Uint8Array(privateDecrypt({ key, padding: C.RSA_NO_PADDING }, input)), m.bits / 8);
}
