// ResultKeys from the key store (pki Signer, file or PKCS#11) or from a bare
// KeyObject. `kid` is the RFC 7638 JWK thumbprint of the public key, so the
// same key has the same kid in every process and after restarts, and a
// rotated key keeps its kid in the JWKS while results it signed are checked.
import { createHash, sign as cryptoSign, type KeyObject } from 'node:crypto';
import type { Signer } from '../../../pki/index.js';
import type { ResultKeys, ResultPublicJwk, ResultSigner } from '../ports.js';

export function publicJwkOf(publicKey: KeyObject): ResultPublicJwk {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new Error('the result-signing key must be EC P-256 (ES256)');
  }
  const kid = createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest('base64url');
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' };
}

/** From the key store's Signer (B's pki key store): the private key stays in the store. */
export function signerFromKeyStore(signer: Signer): ResultSigner {
  if (signer.curve !== 'P-256') throw new Error('the result-signing key must be P-256 (ES256)');
  const publicJwk = publicJwkOf(signer.publicKey);
  return { kid: publicJwk.kid, alg: 'ES256', publicJwk, sign: (data) => signer.sign(data, 'ieee-p1363') };
}

/** From a private KeyObject held in process (tests, the reference benchmark). */
export function signerFromPrivateKey(privateKey: KeyObject, publicKey: KeyObject): ResultSigner {
  const publicJwk = publicJwkOf(publicKey);
  return {
    kid: publicJwk.kid,
    alg: 'ES256',
    publicJwk,
    sign: async (data) => cryptoSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
  };
}

/** The current signer plus the public keys of previous ones still published (rotation). */
export function resultKeys(current: ResultSigner, previous: readonly ResultPublicJwk[] = []): ResultKeys {
  const published = [current.publicJwk, ...previous.filter((k) => k.kid !== current.kid)];
  return { current, published };
}
