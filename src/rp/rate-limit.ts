// Fixed-window rate limits per RP and per terminal in the EphemeralStore
// (Redis with several processes, in-process otherwise). Headers per
// draft-ietf-httpapi-ratelimit-headers (RateLimit-Limit / -Remaining /
// -Reset in seconds) and RFC 9110 §10.2.3 Retry-After on 429.
import { authError } from '../auth/codes.js';
import type { EphemeralStore, HitResult } from '../store/ephemeral.js';

export const RATE_WINDOW_MS = 60_000;

export interface RateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  readonly resetSeconds: number;
}

export async function checkRate(store: EphemeralStore, key: string, limitPerMinute: number): Promise<RateDecision> {
  let hit;
  try {
    hit = await store.hit(key, RATE_WINDOW_MS);
  } catch (err) {
    // Fail closed: without the counter we cannot tell, and the store being
    // down means challenges cannot be consumed either.
    throw authError('unavailable', 'The ephemeral store is unavailable; try again shortly.', { cause: err });
  }
  return decide(hit, limitPerMinute);
}

/** The decision for a counter after a hit. */
export function decide(hit: HitResult, limitPerMinute: number): RateDecision {
  return {
    allowed: hit.count <= limitPerMinute,
    limit: limitPerMinute,
    remaining: Math.max(0, limitPerMinute - hit.count),
    resetSeconds: Math.max(1, Math.ceil(hit.resetMs / 1000)),
  };
}

export function rateHeaders(d: RateDecision): Record<string, string> {
  const h: Record<string, string> = {
    'RateLimit-Limit': String(d.limit),
    'RateLimit-Remaining': String(d.remaining),
    'RateLimit-Reset': String(d.resetSeconds),
  };
  if (!d.allowed) h['Retry-After'] = String(d.resetSeconds);
  return h;
}

export function rateLimitedError(what: string, d: RateDecision) {
  return authError('rate_limited', `Too many requests for this ${what}; retry after ${d.resetSeconds} s.`, {
    detail: { retryAfterSeconds: d.resetSeconds },
  });
}
