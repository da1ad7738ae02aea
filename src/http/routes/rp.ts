// Relying-party authentication for the HTTP API (issue 5): the `rpKey`
// security scheme (Authorization: Bearer <keyId>.<secret>) with the per-RP
// rate limit, and the per-terminal limit and registration check that routes
// naming a terminal apply. 429 answers carry RateLimit-Limit /
// RateLimit-Remaining / RateLimit-Reset and Retry-After; every answer to an
// authenticated RP carries the RateLimit-* headers of its own limit.
//
// Every request an authenticated RP sends counts against its limit, also one
// refused before the route's own counting (a body too large, not JSON, not
// the schema, bad base64, an unknown terminal, a missing scope): otherwise an
// RP could send bad requests without end. Those are counted on the way out
// (RouteAuth.refused), so the accepted path keeps its single store round
// trip; the terminal's counter only once the terminal is known registered.
// Also GET /v1/rp/me: what the registry holds about the calling RP.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { authError } from '../../auth/codes.js';
import { isAppError } from '../../errors/app-error.js';
import { rpRateKey, terminalRateKey } from '../../auth/lib/store-keys.js';
import type { TerminalId } from '../../auth/types.js';
import type { RpAuthenticator } from '../../rp/authenticate.js';
import type { Admission } from '../../auth/checks/context.js';
import { RATE_WINDOW_MS, checkRate, decide, rateHeaders, rateLimitedError, type RateDecision } from '../../rp/rate-limit.js';
import type { RpPrincipal } from '../../rp/types.js';
import type { EphemeralStore } from '../../store/ephemeral.js';
import { defineRoute, type AnyRoute, type RouteAuth } from '../route.js';

export interface RpAuthDeps {
  readonly authenticator: RpAuthenticator;
  readonly store: EphemeralStore;
}

function setHeaders(res: ServerResponse, headers: Record<string, string>): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
}

/**
 * How far the deferred counting of one request has got (routes with
 * `rateLimit: 'with-terminal'`): the registered terminal once known, and
 * whether the counters were hit. Absent: nothing known, nothing counted.
 */
interface DeferredCount {
  readonly terminal: TerminalId;
  counted: boolean;
}
const deferredCounts = new WeakMap<ServerResponse, DeferredCount>();

function noteTerminal(res: ServerResponse, terminal: TerminalId): DeferredCount {
  const c: DeferredCount = { terminal, counted: false };
  deferredCounts.set(res, c);
  return c;
}

/**
 * The RouteAuth of RP routes: the credential, then the RP's rate limit. With
 * `rateLimit: 'with-terminal'` the RP's counter is left to requireTerminal or
 * terminalAdmission, which the route MUST use: they increment the RP and
 * terminal counters in one round trip (both commands leave in one write, or
 * in the Lua step that consumes the challenge), which the benchmark profile
 * showed to matter on the hot path. A request refused before they counted is
 * counted by `refused`, on its way out.
 */
export function rpRouteAuth(deps: RpAuthDeps, opts: { readonly rateLimit?: 'now' | 'with-terminal' } = {}): RouteAuth<RpPrincipal> {
  const deferred = opts.rateLimit === 'with-terminal';
  const auth: RouteAuth<RpPrincipal> = {
    scheme: 'rpKey',
    async authenticate(req, res) {
      const principal = await deps.authenticator.authenticate(req.headers.authorization);
      if (deferred) return principal;
      const d = await checkRate(deps.store, rpRateKey(principal.rp.id), principal.rp.rateLimitPerMinute);
      setHeaders(res, rateHeaders(d));
      if (!d.allowed) throw rateLimitedError('relying party', d);
      return principal;
    },
  };
  if (!deferred) return auth; // authenticate counted already, before anything could be refused
  return { ...auth, refused: (principal, _req, res, err) => countRefused(deps.store, res, principal, err) };
}

/**
 * A request of a deferred-counting route refused before its counters were
 * hit: hit them now (the RP's, and the terminal's when it is known), and
 * answer 429 instead when that puts the RP or terminal over its limit. A
 * 503 is not counted — the store that would count it is what failed — and
 * when counting fails the original refusal stands.
 */
async function countRefused(store: EphemeralStore, res: ServerResponse, principal: RpPrincipal, err: unknown): Promise<unknown> {
  const c = deferredCounts.get(res);
  if (c?.counted || (isAppError(err) && err.code === 'unavailable')) return err;
  let decisions: [RateDecision, RateDecision | undefined];
  try {
    decisions = await countBoth(store, principal, c?.terminal);
  } catch {
    return err;
  }
  if (res.headersSent) return err;
  try {
    applyDecisions(res, ...decisions);
  } catch (limited) {
    return limited;
  }
  return err;
}

/** The RP's counter and, when given, the terminal's: both commands in one write. */
async function countBoth(store: EphemeralStore, principal: RpPrincipal, terminal: TerminalId | undefined): Promise<[RateDecision, RateDecision | undefined]> {
  return Promise.all([
    checkRate(store, rpRateKey(principal.rp.id), principal.rp.rateLimitPerMinute),
    terminal === undefined ? undefined : checkRate(store, terminalRateKey(principal.rp.id, terminal), principal.rp.terminalRatePerMinute),
  ]);
}

/**
 * A terminal must be registered to the calling RP, and a terminal-bound
 * credential may name its own terminal only (in memory, before any store I/O).
 */
export function requireTerminalRegistered(principal: RpPrincipal, terminalId: TerminalId): void {
  if (!principal.rp.terminals.includes(terminalId)) {
    throw authError('terminal_unknown', 'This terminal id is not registered for the relying party.', { detail: { terminalId } });
  }
  if (principal.terminal !== undefined && principal.terminal !== terminalId) {
    throw authError('terminal_not_allowed', 'This credential is bound to another terminal.', { detail: { terminalId } });
  }
}

/**
 * The RP's and the terminal's rate limits as an Admission: the counters are
 * incremented in the same store step that consumes the challenge (one Redis
 * round trip for the hot route), and admit() sets the RateLimit-* headers and
 * refuses exactly as requireTerminal does.
 */
export function terminalAdmission(res: ServerResponse, principal: RpPrincipal, terminalId: TerminalId): Admission {
  const limits = [principal.rp.rateLimitPerMinute, principal.rp.terminalRatePerMinute] as const;
  // The terminal is known (the route checked it is registered); a refusal
  // before the store step (size bounds) is counted against both on the way out.
  const count = noteTerminal(res, terminalId);
  return {
    counters: [
      { key: rpRateKey(principal.rp.id), windowMs: RATE_WINDOW_MS, limit: limits[0] },
      { key: terminalRateKey(principal.rp.id, terminalId), windowMs: RATE_WINDOW_MS, limit: limits[1] },
    ],
    admit(hits) {
      count.counted = true;
      applyDecisions(res, decide(hits[0]!, limits[0]), decide(hits[1]!, limits[1]));
    },
  };
}

/**
 * A registered terminal (see requireTerminalRegistered), then the RP's and
 * the terminal's rate limits counted together in one round trip.
 */
export async function requireTerminal(store: EphemeralStore, res: ServerResponse, principal: RpPrincipal, terminalId: TerminalId): Promise<void> {
  requireTerminalRegistered(principal, terminalId);
  const count = noteTerminal(res, terminalId);
  const [rp, terminal] = await countBoth(store, principal, terminalId);
  count.counted = true;
  applyDecisions(res, rp, terminal);
}

/** RateLimit-* headers of the RP's limit (or of the terminal's when that one refuses); 429 when either refuses. */
function applyDecisions(res: ServerResponse, rp: RateDecision, terminal: RateDecision | undefined): void {
  setHeaders(res, rateHeaders(rp));
  if (!rp.allowed) throw rateLimitedError('relying party', rp);
  if (terminal !== undefined && !terminal.allowed) {
    setHeaders(res, rateHeaders(terminal));
    throw rateLimitedError('terminal', terminal);
  }
}

export const problemResponse = { description: 'Problem (application/problem+json)' } as const;

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
