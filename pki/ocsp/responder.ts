// The OCSP responder (RFC 6960 §2.2, §4.2; RFC 5019 for caching): parses the
// request, answers each CertID from the caller's status port, signs with the
// delegated responder key. Requests that name only other issuers get
// "unauthorized" (RFC 5019 §2.2.3: not authoritative), mixed requests get
// "unknown" for the foreign entries. A status lookup that fails gives
// "tryLater", never "good". Responses to requests without a nonce are cached
// until nextUpdate (bounded by cacheSeconds) and dropped by invalidate().
// The responder certificate is read per request (it is renewed while the
// service runs): nothing is signed outside its validity — a client verifying
// such a response fails it ("Response Verify Failure"), so the answer is
// tryLater (ocsp_responder_expired) until the renewal lands — and no
// nextUpdate or cached answer reaches past its notAfter.
import { createHash } from 'node:crypto';
import type { CaCertificate } from '../ca/ca-certificate.js';
import { isPkiError, PkiError, type PkiErrorCode } from '../errors.js';
import type { Signer } from '../keystore/key-store.js';
import { Lru } from '../lib/lru.js';
import { serialHex } from '../lib/serial.js';
import type { CertStatusLookup } from '../types.js';
import { responderCanSignAt } from '../ca/ocsp-responder-lifetime.js';
import {
  buildBasicResponse,
  buildErrorResponse,
  responderIdentity,
  type OcspResponseStatus,
  type ResponderIdentity,
  type SingleAnswer,
} from './build-response.js';
import { issuerMatcher } from './issuer-match.js';
import { parseOcspRequest } from './parse-request.js';

export interface OcspResponderOptions {
  readonly issuer: CaCertificate;
  /** The delegated responder certificate, or a function giving the current one (it is renewed). */
  readonly responder: CaCertificate | (() => CaCertificate);
  readonly signer: Signer;
  readonly status: CertStatusLookup;
  readonly now: () => Date;
  /** thisUpdate → nextUpdate. Default 1 hour. */
  readonly validitySeconds?: number;
  /** Longest a cached response is served (≤ nextUpdate). Default 5 minutes. */
  readonly cacheSeconds?: number;
  readonly cacheEntries?: number;
}

export interface OcspAnswer {
  readonly der: Buffer;
  readonly responseStatus: OcspResponseStatus;
  /** Why a request was refused, for logs and metrics. */
  readonly code?: PkiErrorCode;
  /** For HTTP caching (RFC 5019 §6.2): seconds this answer stays fresh, 0 = do not cache. */
  readonly maxAgeSeconds: number;
  readonly cached: boolean;
}

export interface OcspResponder {
  respond(unverifiedRequest: Uint8Array): Promise<OcspAnswer>;
  /** Forget cached responses (call when a status changes). */
  invalidate(): void;
}

interface CacheEntry {
  readonly der: Buffer;
  readonly freshUntil: number;
}

export function createOcspResponder(options: OcspResponderOptions): OcspResponder {
  const validityMs = (options.validitySeconds ?? 3600) * 1000;
  const cacheMs = Math.min((options.cacheSeconds ?? 300) * 1000, validityMs);
  const cache = new Lru<string, CacheEntry>(options.cacheEntries ?? 10_000);
  const ours = issuerMatcher(options.issuer);
  const given = options.responder;
  const currentResponder = typeof given === 'function' ? given : (): CaCertificate => given;
  let identityOf: { cert: CaCertificate; identity: ResponderIdentity } | undefined;
  const identity = (cert: CaCertificate): ResponderIdentity => {
    if (identityOf?.cert !== cert) {
      // A renewed certificate: answers cached under the previous one are dropped with it.
      if (identityOf !== undefined) cache.clear();
      identityOf = { cert, identity: responderIdentity(cert) };
    }
    return identityOf.identity;
  };

  async function answer(req: Uint8Array): Promise<OcspAnswer> {
    let parsed;
    try {
      parsed = parseOcspRequest(req);
    } catch (err) {
      if (!isPkiError(err)) throw err;
      return { der: buildErrorResponse('malformedRequest'), responseStatus: 'malformedRequest', code: err.code, maxAgeSeconds: 0, cached: false };
    }
    const now = options.now();
    const responder = currentResponder();
    if (!responderCanSignAt(responder, now)) {
      return { der: buildErrorResponse('tryLater'), responseStatus: 'tryLater', code: 'ocsp_responder_expired', maxAgeSeconds: 0, cached: false };
    }
    const signedBy = identity(responder);
    const cacheKey = parsed.nonce ? undefined : createHash('sha256').update(req).digest('base64');
    if (cacheKey) {
      const hit = cache.get(cacheKey);
      if (hit && hit.freshUntil > now.getTime()) {
        return { der: hit.der, responseStatus: 'successful', maxAgeSeconds: Math.floor((hit.freshUntil - now.getTime()) / 1000), cached: true };
      }
    }
    if (!parsed.certIds.some(ours)) {
      return { der: buildErrorResponse('unauthorized'), responseStatus: 'unauthorized', code: 'ocsp_unknown_issuer', maxAgeSeconds: 0, cached: false };
    }
    const answers: SingleAnswer[] = [];
    try {
      for (const requested of parsed.certIds) {
        const certId = requested.der;
        if (!ours(requested)) {
          answers.push({ certId, answer: { status: 'unknown' } });
          continue;
        }
        const s = await options.status(serialHex(requested.serial));
        if (s.status === 'good') answers.push({ certId, answer: { status: 'good' } });
        else if (s.status === 'hold') answers.push({ certId, answer: { status: 'revoked', at: s.since, reason: 'certificateHold' } });
        else if (s.status === 'revoked') answers.push({ certId, answer: { status: 'revoked', at: s.at, reason: s.reason } });
        else answers.push({ certId, answer: { status: 'unknown' } });
      }
    } catch (err) {
      void err; // the status port failed: never guess, ask the client to retry
      return { der: buildErrorResponse('tryLater'), responseStatus: 'tryLater', code: 'status_unavailable', maxAgeSeconds: 0, cached: false };
    }
    // Neither the answer nor its cached copy outlives the certificate that signs it.
    const nextUpdate = Math.min(now.getTime() + validityMs, responder.notAfter.getTime());
    const freshUntil = Math.min(now.getTime() + cacheMs, nextUpdate);
    let der: Buffer;
    try {
      der = await buildBasicResponse({
        identity: signedBy,
        signer: options.signer,
        answers,
        producedAt: now,
        thisUpdate: now,
        nextUpdate: new Date(nextUpdate),
        nonce: parsed.nonce,
      });
    } catch (err) {
      void err; // the responder key could not sign (key store down): an RFC 6960 internalError, not a crash
      return { der: buildErrorResponse('internalError'), responseStatus: 'internalError', code: 'key_store_unavailable', maxAgeSeconds: 0, cached: false };
    }
    if (cacheKey) cache.set(cacheKey, { der, freshUntil });
    return { der, responseStatus: 'successful', maxAgeSeconds: parsed.nonce ? 0 : Math.floor((freshUntil - now.getTime()) / 1000), cached: false };
  }

  return {
    respond: answer,
    invalidate: () => cache.clear(),
  };
}

/** Decodes the GET form (RFC 6960 Appendix A.1): URL-decoded base64 of the DER request. */
export function decodeOcspGetPath(encoded: string): Buffer {
  let text: string;
  try {
    text = decodeURIComponent(encoded);
  } catch (err) {
    throw new PkiError('ocsp_request_malformed', 'OCSP GET path is not URL-encoded', { cause: err });
  }
  if (text.length > 12 * 1024) throw new PkiError('ocsp_request_too_large', 'OCSP GET request too long');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) throw new PkiError('ocsp_request_malformed', 'OCSP GET path is not base64');
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}
