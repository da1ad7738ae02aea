// Compact JWS (RFC 7515 §7.1) with ES256 (RFC 7518 §3.4: ECDSA P-256 SHA-256,
// signature as the 64-byte r || s). Signed with node:crypto through the
// ResultSigner port; the protected header carries `kid` (RFC 7515 §4.1.4)
// so verifiers pick the key from /.well-known/jwks.json across rotations,
// and an explicit `typ`.
import type { ResultSigner } from '../ports.js';

/** The JWS `typ` of results (RFC 8725 §3.11 explicit typing, RFC 7515 §4.1.9): a result cannot be mistaken for another JWT. */
export const RESULT_JWS_TYP = 'cardauth-result+jwt';

const headerCache = new WeakMap<ResultSigner, string>();

function encodedHeader(signer: ResultSigner): string {
  let h = headerCache.get(signer);
  if (h === undefined) {
    h = Buffer.from(JSON.stringify({ alg: 'ES256', kid: signer.kid, typ: RESULT_JWS_TYP })).toString('base64url');
    headerCache.set(signer, h);
  }
  return h;
}

export async function signJws(signer: ResultSigner, payload: object): Promise<string> {
  return signJwsJson(signer, JSON.stringify(payload));
}

/** signJws over a payload already serialised as JSON (sent beside the JWS as is, without a second serialisation). */
export async function signJwsJson(signer: ResultSigner, payloadJson: string): Promise<string> {
  const signingInput = `${encodedHeader(signer)}.${Buffer.from(payloadJson).toString('base64url')}`;
  const sig = await signer.sign(Buffer.from(signingInput, 'ascii'));
  if (sig.length !== 64) throw new Error('ES256 signature must be 64 bytes (IEEE P1363)');
  return `${signingInput}.${sig.toString('base64url')}`;
}
