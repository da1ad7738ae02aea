// Fixed-window rate limits per RP and per terminal in the EphemeralStore
// (Redis with several processes, in-process otherwise), and how a decision
// reads as headers: draft-ietf-httpapi-ratelimit-headers. RateLimit-Limit /
// -Remaining / -Reset speak of the RP's own limit (the terminal's when that one
// refuses); RateLimit-Policy and RateLimit name every policy that counted the
// request — "rp" and, for calls that name a terminal, "terminal" — so a
// terminal can pace itself by its own quota. Retry-After (RFC 9110 §10.2.3)
// on 429.
import { unavailableError } from '../errors/common-codes.js';
import type { EphemeralStore, HitResult } from '../store/ephemeral.js';
import { rpError } from './codes.js';

export const RATE_WINDOW_MS = 60_000;

export const rpRateKey = (rpId: string) => `rl:rp:${rpId}`;
export const terminalRateKey = (rpId: string, terminalId: string) => `rl:t:${rpId}:${terminalId}`;

export type RatePolicy = 'rp' | 'terminal';

export interface RateDecision {
  readonly policy: RatePolicy;
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  readonly resetSeconds: number;
}

export async function checkRate(store: EphemeralStore, policy: RatePolicy, key: string, limitPerMinute: number): Promise<RateDecision> {
  let hit;
  try {
    hit = await store.hit(key, RATE_WINDOW_MS);
  } catch (err) {
    // Fail closed: without the counter we cannot tell, and the store being
    // down means challenges cannot be consumed either.
    throw unavailableError('The ephemeral store is unavailable; try again shortly.', { cause: err });
  }
  return decide(policy, hit, limitPerMinute);
}

/** The decision for a counter after a hit. */
export function decide(policy: RatePolicy, hit: HitResult, limitPerMinute: number): RateDecision {
  return {
    policy,
    allowed: hit.count <= limitPerMinute,
    limit: limitPerMinute,
    remaining: Math.max(0, limitPerMinute - hit.count),
    resetSeconds: Math.max(1, Math.ceil(hit.resetMs / 1000)),
  };
}

/** The decision that refuses, if any (the RP's first), else the RP's. */
export function shownDecision(decisions: readonly RateDecision[]): RateDecision | undefined {
  return decisions.find((d) => !d.allowed) ?? decisions[0];
}

/** The headers of the decisions a request was counted by (RP first, then terminal). */
export function rateHeaders(decisions: readonly RateDecision[]): Record<string, string> {
  const shown = shownDecision(decisions);
  if (shown === undefined) return {};
  const h: Record<string, string> = {
    'RateLimit-Limit': String(shown.limit),
    'RateLimit-Remaining': String(shown.remaining),
    'RateLimit-Reset': String(shown.resetSeconds),
    'RateLimit-Policy': decisions.map((d) => `"${d.policy}";q=${d.limit};w=${RATE_WINDOW_MS / 1000}`).join(', '),
    RateLimit: decisions.map((d) => `"${d.policy}";r=${d.remaining};t=${d.resetSeconds}`).join(', '),
  };
  if (!shown.allowed) h['Retry-After'] = String(shown.resetSeconds);
  return h;
}

export function rateLimitedError(d: RateDecision) {
  const what = d.policy === 'rp' ? 'relying party' : 'terminal';
  return rpError('rate_limited', `Too many requests for this ${what}; retry after ${d.resetSeconds} s.`, {
    detail: { retryAfterSeconds: d.resetSeconds, policy: d.policy },
  });
}
