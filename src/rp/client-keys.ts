// Public keys a relying party registers for client authentication by signed
// assertion (private_key_jwt, RFC 7523 §2.2; ./client-assertion.ts): EC P-256
// public JWKs (RFC 7517, RFC 7518 §6.2) used with ES256 only. A JWK with
// private members is refused — the service never holds a key that could
// sign as the RP. The kid is the JWK's own, else its RFC 7638 thumbprint.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { rpError } from './codes.js';

export const CLIENT_KID = /^[A-Za-z0-9._~-]{1,128}$/;

/** A checked public key: the JWK as stored (public members only) and its kid. */
export interface ClientPublicKey {
  readonly kid: string;
  readonly jwk: { readonly kty: 'EC'; readonly crv: 'P-256'; readonly x: string; readonly y: string; readonly kid: string; readonly alg: 'ES256'; readonly use: 'sig' };
}

const b64url32 = /^[A-Za-z0-9_-]{43}$/;

/** RFC 7638 §3.2: the thumbprint of an EC key over {crv, kty, x, y} in that order. */
export function jwkThumbprint(jwk: { readonly crv: string; readonly kty: string; readonly x: string; readonly y: string }): string {
  return createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest('base64url');
}

/** Checks an unverified JWK and returns the key to store; rp_invalid says what is wrong. */
export function checkClientJwk(unverified: unknown): ClientPublicKey {
  const bad = (m: string) => rpError('rp_invalid', `The client key ${m}.`);
  if (typeof unverified !== 'object' || unverified === null || Array.isArray(unverified)) throw bad('must be a JWK object');
  const j = unverified as Record<string, unknown>;
  for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth']) {
    if (secret in j) throw bad(`holds the private member "${secret}": register the public key only`);
  }
  if (j['kty'] !== 'EC' || j['crv'] !== 'P-256') throw bad('must be an EC P-256 key (kty "EC", crv "P-256")');
  if (j['alg'] !== undefined && j['alg'] !== 'ES256') throw bad('is for ES256 only');
  if (j['use'] !== undefined && j['use'] !== 'sig') throw bad('must be a signing key (use "sig")');
  const x = j['x'];
  const y = j['y'];
  if (typeof x !== 'string' || typeof y !== 'string' || !b64url32.test(x) || !b64url32.test(y)) throw bad('needs x and y, 32 bytes each in base64url');
  try {
    createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' });
  } catch {
    throw bad('is not a point on P-256');
  }
  const kid = j['kid'] === undefined ? jwkThumbprint({ crv: 'P-256', kty: 'EC', x, y }) : j['kid'];
  if (typeof kid !== 'string' || !CLIENT_KID.test(kid)) throw bad('kid must be 1 to 128 of A-Z a-z 0-9 . _ ~ -');
  return { kid, jwk: { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' } };
}

export function clientKeyObject(key: ClientPublicKey['jwk']): KeyObject {
  return createPublicKey({ key: { kty: key.kty, crv: key.crv, x: key.x, y: key.y }, format: 'jwk' });
}
