// Client authentication by signed assertion: private_key_jwt (OpenID Connect
// Core §9, RFC 7523 §2.2 and §3), as Singpass and FAPI require, carried per
// call in `Authorization: Client-Assertion <JWT>` (there is no token
// endpoint: every call is signed by the RP itself, so no bearer secret of the
// RP exists anywhere, and the service holds only public keys). The checks,
// in order:
//   1. shape: a compact JWS of at most 4 KiB; header alg ES256 and a kid
//      (none, HS256 and every other alg are refused before any lookup);
//   2. the key: (iss, kid) registered to an RP and not removed (cached 5 s);
//   3. the signature (npm jose, algorithms ES256 only), then the claims:
//      iss = sub = the RP id, aud = the service's issuer (its public base
//      URL), exp in the future and at most 5 minutes after iat, iat not in
//      the future, jti present (RFC 7523 §3: 30 s of clock tolerance);
//   4. jti single use: SET NX in the ephemeral store until exp (+ the
//      tolerance), so a captured assertion cannot be sent again.
// Every failure is the one `unauthorized` (the log keeps the reason).
import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { Sql } from '../registry/sql.js';
import type { EphemeralStore } from '../store/ephemeral.js';
import type { Clock } from '../util/clock.js';
import { unavailableError } from '../errors/common-codes.js';
import { CLIENT_KID, clientKeyObject } from './client-keys.js';
import { rpError } from './codes.js';
import { RP_ID } from './ids.js';
import { findClientKey } from './repo/find-client-key.js';
import type { RelyingParty, RpPrincipal } from './types.js';

export const CLIENT_ASSERTION_SCHEME = 'Client-Assertion';
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
export const ASSERTION_CLOCK_TOLERANCE_SECONDS = 30;
const MAX_ASSERTION_BYTES = 4096;

export const jtiKey = (rpId: string, jti: string) => `rp:jti:${rpId}:${createHash('sha256').update(jti, 'utf8').digest('base64url')}`;

export interface ClientAssertionDeps {
  readonly sql: Sql;
  readonly store: EphemeralStore;
  /** The `aud` assertions must name: the service's issuer (public base URL). */
  readonly audience: string;
  readonly clock: Clock;
  readonly cacheTtlMs?: number;
}

type Cached = { readonly at: number; readonly found: { key: ReturnType<typeof clientKeyObject>; rp: RelyingParty } | undefined };

export function createClientAssertionVerifier(deps: ClientAssertionDeps): {
  verify(token: string): Promise<RpPrincipal>;
  invalidate(): void;
} {
  const ttl = deps.cacheTtlMs ?? 5000;
  const cache = new Map<string, Cached>();
  const refused = (why: string, cause?: unknown) =>
    rpError('unauthorized', 'Send a valid relying-party credential: Authorization: Bearer <keyId>.<secret>, or Authorization: Client-Assertion <JWT>.', {
      cause: cause === undefined ? why : { why, err: String(cause) },
    });

  async function keyFor(rpId: string, kid: string, now: number): Promise<Cached['found']> {
    const k = `${rpId}\u0000${kid}`;
    const hit = cache.get(k);
    if (hit && now - hit.at < ttl) return hit.found;
    let row;
    try {
      row = await findClientKey(deps.sql, rpId, kid);
    } catch (err) {
      throw unavailableError('The registry is unavailable; try again shortly.', { cause: err });
    }
    const found = row && { key: clientKeyObject(row.key.jwk), rp: row.rp };
    if (cache.size >= 10_000) cache.delete(cache.keys().next().value!);
    cache.set(k, { at: now, found });
    return found;
  }

  return {
    async verify(token) {
      // 1. Shape, and the header before any lookup.
      if (token.length > MAX_ASSERTION_BYTES || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) throw refused('not a compact JWS');
      let header;
      let unverified;
      try {
        header = decodeProtectedHeader(token);
        unverified = decodeJwt(token);
      } catch (err) {
        throw refused('undecodable assertion', err);
      }
      if (header.alg !== 'ES256') throw refused(`alg ${String(header.alg).slice(0, 16)} is not ES256`);
      if (typeof header.kid !== 'string' || !CLIENT_KID.test(header.kid)) throw refused('no usable kid');
      const rpId = unverified.iss;
      if (typeof rpId !== 'string' || !RP_ID.test(rpId)) throw refused('iss is not an RP id');
      // 2. The key.
      const now = deps.clock.now();
      const found = await keyFor(rpId, header.kid, now.getTime());
      if (found === undefined) throw refused('unknown or removed kid');
      // 3. Signature and claims.
      let payload;
      try {
        ({ payload } = await jwtVerify(token, found.key, {
          algorithms: ['ES256'],
          issuer: rpId,
          subject: rpId,
          audience: deps.audience,
          requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti'],
          clockTolerance: ASSERTION_CLOCK_TOLERANCE_SECONDS,
          maxTokenAge: MAX_ASSERTION_LIFETIME_SECONDS + ASSERTION_CLOCK_TOLERANCE_SECONDS,
          currentDate: now,
        }));
      } catch (err) {
        if (err instanceof joseErrors.JOSEError) throw refused(err.code, err.message);
        throw err;
      }
      const { exp, iat, jti } = payload as { exp: number; iat: number; jti: unknown };
      if (exp - iat > MAX_ASSERTION_LIFETIME_SECONDS) throw refused('exp more than 5 minutes after iat');
      if (iat > now.getTime() / 1000 + ASSERTION_CLOCK_TOLERANCE_SECONDS) throw refused('iat in the future');
      if (typeof jti !== 'string' || jti.length < 1 || jti.length > 256) throw refused('jti missing or not 1-256 characters');
      if (found.rp.status !== 'active') throw rpError('rp_disabled', 'This relying party is disabled.');
      // 4. Single use, until the assertion could no longer be accepted anyway.
      const keepMs = Math.max(1000, (exp + ASSERTION_CLOCK_TOLERANCE_SECONDS) * 1000 - now.getTime());
      let first: boolean;
      try {
        first = await deps.store.setIfAbsent(jtiKey(rpId, jti), '1', keepMs);
      } catch (err) {
        throw unavailableError('The ephemeral store is unavailable; try again shortly.', { cause: err });
      }
      if (!first) throw refused('jti already used');
      return { rp: found.rp, keyId: `jwk:${header.kid}` };
    },
    invalidate() {
      cache.clear();
    },
  };
}
