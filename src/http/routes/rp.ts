// The relying parties' side of the HTTP API: the `rpKey` security scheme
// (Authorization: Bearer <keyId>.<secret>) with the rate limits of
// src/rp/admission.ts written as RateLimit headers on every answer, and
// GET /v1/rp/me, what the registry holds about the calling RP. The policy
// (what counts, when, against which limit) is src/rp's; this file only
// translates it to HTTP.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { admitRp, countRefused, newRpCall, type RateAccount, type RpCall } from '../../rp/admission.js';
import type { RpAuthenticator } from '../../rp/authenticate.js';
import { rateHeaders } from '../../rp/rate-limit.js';
import type { EphemeralStore } from '../../store/ephemeral.js';
import { defineRoute, problemResponse, type AnyRoute, type RouteAuth } from '../route.js';

/** What the RP scheme itself can answer: the credential, the RP's status, its rate limits, the store behind them. */
export const RP_SCHEME_CODES = ['unauthorized', 'rp_disabled', 'rate_limited', 'unavailable'] as const;

export interface RpAuthDeps {
  readonly authenticator: RpAuthenticator;
  readonly store: EphemeralStore;
}

function writeRateHeaders(res: ServerResponse, account: RateAccount): void {
  if (res.headersSent) return;
  for (const [k, v] of Object.entries(rateHeaders(account.decisions))) res.setHeader(k, v);
}

/**
 * The RouteAuth of RP routes: the credential, then the RP's rate limit. With
 * `rateLimit: 'with-terminal'` the counting is left to the route, which MUST
 * name the terminal through src/rp/admission.ts (admitTerminal, or the
 * response checks' consume step): the RP's and the terminal's counters are
 * then hit in one round trip. A request refused before they counted is
 * counted on its way out. Every answer carries the RateLimit headers of what
 * the request was counted by.
 */
export function rpRouteAuth(deps: RpAuthDeps, opts: { readonly rateLimit?: 'now' | 'with-terminal' } = {}): RouteAuth<RpCall> {
  const deferred = opts.rateLimit === 'with-terminal';
  return {
    scheme: 'rpKey',
    alsoAccepts: ['rpClientAssertion'],
    codes: RP_SCHEME_CODES,
    async authenticate(req, res) {
      const call = newRpCall(await deps.authenticator.authenticate(req.headers.authorization));
      if (deferred) return call;
      try {
        await admitRp(deps.store, call);
      } finally {
        writeRateHeaders(res, call.rate);
      }
      return call;
    },
    async refused(call, _req, res, err) {
      const answer = deferred ? await countRefused(deps.store, call, err) : err;
      writeRateHeaders(res, call.rate);
      return answer;
    },
    answered(call, res) {
      if (deferred) writeRateHeaders(res, call.rate);
    },
  };
}

const meSchema = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.enum(['auth', 'ekyc'])),
  ekycAttributes: z.array(z.string()),
  terminals: z.array(z.string()),
  terminal: z.string().optional().describe('Present when the credential is bound to one terminal: the calls it may make name this terminal only'),
  rateLimitPerMinute: z.number().int(),
  terminalRatePerMinute: z.number().int(),
});

export function rpRoutes(deps: RpAuthDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/rp/me',
      operationId: 'getRelyingParty',
      summary: 'The calling relying party as registered: scopes, eKYC attributes, terminals, rate limits',
      tags: ['relying parties'],
      auth: rpRouteAuth(deps),
      codes: [],
      responses: { 200: { description: 'The registration', schema: meSchema }, 401: problemResponse, 403: problemResponse, 429: problemResponse, 503: problemResponse },
      async handle({ principal }) {
        const rp = principal.rp;
        return {
          body: {
            id: rp.id,
            name: rp.name,
            scopes: [...rp.scopes],
            ekycAttributes: [...rp.ekycAttributes],
            terminals: [...rp.terminals],
            ...(principal.terminal === undefined ? {} : { terminal: principal.terminal }),
            rateLimitPerMinute: rp.rateLimitPerMinute,
            terminalRatePerMinute: rp.terminalRatePerMinute,
          },
        };
      },
    }),
  ];
}
