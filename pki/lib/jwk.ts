// An ES256 public key as a JWK (RFC 7517 §4, RFC 7518 §6.2.1) with `kid` set
// to its RFC 7638 thumbprint: SHA-256 over the required members {crv,kty,x,y}
// in lexicographic order, no whitespace (§3.2, §3.3). The kid is derived from
// the key alone, so the same key has the same kid in every process, after a
// restart and after it is retired by a rotation. The one implementation: the
// CA, the rotation state file and src/auth's result signer all use it.
import { createHash, type KeyObject } from 'node:crypto';
import { PkiError } from '../errors.js';

/** An ES256 public key as published at /.well-known/jwks.json (RFC 7517, RFC 7518 §6.2). */
export interface PublicJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly alg: 'ES256';
  readonly use: 'sig';
}

/** RFC 7638 §3.2 for an EC key: the required members, in order. */
export function jwkThumbprint(jwk: { readonly crv: string; readonly kty: string; readonly x: string; readonly y: string }): string {
  return createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest('base64url');
}

/** The public JWK of a P-256 key; ca_state_corrupt for any other key (a result key must be ES256). */
export function publicJwk(publicKey: KeyObject): PublicJwk {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new PkiError('ca_state_corrupt', 'a result-signing key must be EC P-256 (ES256)');
  }
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid: jwkThumbprint({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }), alg: 'ES256', use: 'sig' };
}
