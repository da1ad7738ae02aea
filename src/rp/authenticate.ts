// Authenticates an RP call ("every RP call is authenticated; a
// disabled RP … is refused"). `Authorization: Client-Assertion <JWT>` (a
// signed assertion, ./client-assertion.ts) when offered, else
// `Authorization: Bearer <keyId>.<secret>`; the
// secret is checked as HMAC-SHA-256(pepper, secret) against the registry's
// hash in constant time. Every failure about the credential itself answers
// the same `unauthorized` (no hint whether the key id exists); a disabled RP
// is told so only after its secret checked out.
//
// Credential rows are cached in process for `cacheTtlMs` (default 5 s) so the
// hot path does not query the registry per call; a disable or rotation takes
// effect within that time in every process.
import type { Sql } from '../registry/sql.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { parseBearer, secretMatches } from './credentials.js';
import { findCredential, type CredentialRecord } from './repo/find-credential.js';
import type { RpPrincipal } from './types.js';
import { rpError } from './codes.js';
import { unavailableError } from '../errors/common-codes.js';
import type { EphemeralStore } from '../store/ephemeral.js';
import { CLIENT_ASSERTION_SCHEME, createClientAssertionVerifier } from './client-assertion.js';

export interface RpAuthenticatorDeps {
  readonly sql: Sql;
  /** With it, `Authorization: Client-Assertion <JWT>` is accepted too (./client-assertion.ts). */
  readonly assertions?: { readonly store: EphemeralStore; readonly audience: string };
  readonly apiPepper: Buffer;
  readonly clock: Clock;
  readonly log: Logger;
  readonly cacheTtlMs?: number;
  readonly cacheEntries?: number;
}

export interface RpAuthenticator {
  authenticate(authorization: string | undefined): Promise<RpPrincipal>;
  /** Forget cached credentials (after a change made in this process). */
  invalidate(): void;
}

export function createRpAuthenticator(deps: RpAuthenticatorDeps): RpAuthenticator {
  const ttl = deps.cacheTtlMs ?? 5000;
  const max = deps.cacheEntries ?? 10_000;
  const cache = new Map<string, { at: number; record: CredentialRecord | undefined }>();
  const unauthorized = (why: string) =>
    rpError('unauthorized', 'Send a valid relying-party credential: Authorization: Bearer <keyId>.<secret>.', { cause: why });

  async function lookup(keyId: string, now: number): Promise<CredentialRecord | undefined> {
    const hit = cache.get(keyId);
    if (hit && now - hit.at < ttl) return hit.record;
    let record: CredentialRecord | undefined;
    try {
      record = await findCredential(deps.sql, keyId);
    } catch (err) {
      throw unavailableError('The registry is unavailable; try again shortly.', { cause: err });
    }
    if (cache.size >= max) cache.delete(cache.keys().next().value!);
    cache.set(keyId, { at: now, record });
    return record;
  }

  const assertions =
    deps.assertions === undefined
      ? undefined
      : createClientAssertionVerifier({ sql: deps.sql, store: deps.assertions.store, audience: deps.assertions.audience, clock: deps.clock, ...(deps.cacheTtlMs === undefined ? {} : { cacheTtlMs: deps.cacheTtlMs }) });
  const assertionPrefix = `${CLIENT_ASSERTION_SCHEME} `;

  return {
    async authenticate(authorization) {
      if (assertions !== undefined && authorization !== undefined && authorization.startsWith(assertionPrefix)) {
        return assertions.verify(authorization.slice(assertionPrefix.length).trim());
      }
      const presented = parseBearer(authorization);
      if (!presented) throw unauthorized('no well-formed bearer credential');
      const now = deps.clock.now();
      const record = await lookup(presented.keyId, now.getTime());
      if (!record) throw unauthorized('unknown key id');
      if (!secretMatches(deps.apiPepper, presented.secret, record.secretHash)) throw unauthorized('wrong secret');
      if (record.validUntil !== undefined && now.getTime() >= record.validUntil.getTime()) throw unauthorized('credential past its overlap period');
      if (record.rp.status !== 'active') throw rpError('rp_disabled', 'This relying party is disabled.');
      return { rp: record.rp, keyId: record.keyId, ...(record.terminal === undefined ? {} : { terminal: record.terminal }) };
    },
    invalidate() {
      cache.clear();
      assertions?.invalidate();
    },
  };
}
