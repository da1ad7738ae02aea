// The terminal's own calls (a terminal-bound key, `cardauth rp terminal-key`):
//   GET  /v1/auth/terminals/{terminalId}/next-challenge?wait=25&after=ch_…
//        long poll: the newest pending challenge made for this terminal, or
//        204 when none came within `wait` seconds
//   POST /v1/auth/challenges/{id}/progress  {hint}
//        what the citizen is doing at the terminal, for the RP back end's
//        GET /v1/auth/challenges/{id} (`hint`)
// An RP-wide key is refused (terminal_key_required): only the terminal
// itself waits for its work and reports on it. These calls count against
// the terminal's own rate limit, not the RP's: an RP's many terminals
// waiting for work must not eat the budget of its back end. Handlers only
// translate; the rules live in src/auth.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { authError } from '../../auth/codes.js';
import type { AuthDeps } from '../../auth/deps.js';
import { terminalRateKey } from '../../auth/lib/store-keys.js';
import { MAX_TERMINAL_WAIT_SECONDS, nextChallengeForTerminal } from '../../auth/next-challenge-for-terminal.js';
import { reportableHints, reportProgress } from '../../auth/progress-hints.js';
import { CHALLENGE_ID, TERMINAL_ID, type ChallengeId, type TerminalId } from '../../auth/types.js';
import { checkRate, rateHeaders, rateLimitedError } from '../../rp/rate-limit.js';
import type { RpPrincipal } from '../../rp/types.js';
import { defineRoute, type AnyRoute, type RouteAuth } from '../route.js';
import { challengeSchema } from './auth.js';
import { problemResponse, requireTerminalRegistered, type RpAuthDeps } from './rp.js';

export interface TerminalRouteDeps extends RpAuthDeps {
  readonly auth: AuthDeps;
  /** How often the long poll looks at the store (ms); default 250. */
  readonly pollMs?: number;
}

/** A caller whose credential speaks for one terminal. */
export type TerminalPrincipal = RpPrincipal & { readonly terminal: TerminalId };

const setHeaders = (res: ServerResponse, h: Record<string, string>): void => {
  for (const [k, v] of Object.entries(h)) res.setHeader(k, v);
};

/** The rpKey scheme for terminal-bound credentials, counted against the terminal's limit. */
export function terminalKeyAuth(deps: RpAuthDeps): RouteAuth<TerminalPrincipal> {
  return {
    scheme: 'rpKey',
    async authenticate(req, res) {
      const principal = await deps.authenticator.authenticate(req.headers.authorization);
      const terminal = principal.terminal;
      if (terminal === undefined) {
        throw authError('terminal_key_required', 'Use the key of this terminal (cardauth rp terminal-key), not the RP-wide key.');
      }
      // Still registered (a removed terminal's key is removed too; this is the second line).
      requireTerminalRegistered(principal, terminal);
      const d = await checkRate(deps.store, terminalRateKey(principal.rp.id, terminal), principal.rp.terminalRatePerMinute);
      setHeaders(res, rateHeaders(d));
      if (!d.allowed) throw rateLimitedError('terminal', d);
      return { ...principal, terminal };
    },
  };
}

export function terminalRoutes(deps: TerminalRouteDeps): AnyRoute[] {
  const auth = terminalKeyAuth(deps);
  return [
    defineRoute({
      method: 'get',
      path: '/v1/auth/terminals/:terminalId/next-challenge',
      operationId: 'nextChallengeForTerminal',
      summary: 'Long poll: the newest pending challenge made for this terminal',
      description:
        'Waits up to `wait` seconds (0-30) for a pending challenge made for this terminal that is not `after` (the one it took last), and answers it with the name the relying party is registered under (the terminal shows "who is asking"). 204 when none came in time: ask again. The read takes nothing away: asked again, the same pending challenge is answered again. A newer challenge for the same terminal replaces an older one that was not taken yet.',
      tags: ['authentication', 'terminals'],
      auth,
      params: z.strictObject({ terminalId: z.string().regex(TERMINAL_ID, 'a terminal id') }),
      query: z.object({
        wait: z.coerce.number().int().min(0).max(MAX_TERMINAL_WAIT_SECONDS).default(25).describe('seconds to wait for a challenge'),
        after: z.string().regex(CHALLENGE_ID, 'a challenge id (ch_…)').optional().describe('the challenge this terminal took last: not offered again'),
      }),
      responses: {
        200: {
          description: 'A pending challenge for this terminal',
          schema: z.object({ challenge: challengeSchema, rpName: z.string().describe("The relying party's registered name") }),
        },
        204: { description: 'No challenge within the wait' },
        400: problemResponse,
        401: problemResponse,
        403: problemResponse,
        429: problemResponse,
        503: problemResponse,
      },
      async handle({ params, query, principal, res }) {
        requireTerminalRegistered(principal, params.terminalId as TerminalId);
        // The terminal hung up: stop looking.
        const gone = new AbortController();
        const onClose = (): void => gone.abort();
        res.once('close', onClose);
        try {
          const challenge = await nextChallengeForTerminal(
            deps.auth,
            { rpId: principal.rp.id, terminalId: principal.terminal, after: query.after as ChallengeId | undefined, waitMs: query.wait * 1000, signal: gone.signal },
            deps.pollMs === undefined ? {} : { pollMs: deps.pollMs },
          );
          if (challenge === undefined) return { status: 204 };
          return { body: { challenge, rpName: principal.rp.name } };
        } finally {
          res.off('close', onClose);
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/auth/challenges/:id/progress',
      operationId: 'reportChallengeProgress',
      summary: 'The terminal reports what the citizen is doing (shown to the RP as `hint`)',
      description: `Hints: ${reportableHints.map((h) => `\`${h}\``).join(', ')}. Only while the challenge is pending; a hint never changes its status.`,
      tags: ['authentication', 'terminals'],
      auth,
      params: z.strictObject({ id: z.string().regex(CHALLENGE_ID, 'a challenge id (ch_…)') }),
      body: z.strictObject({ hint: z.enum(reportableHints as [string, ...string[]]) }),
      maxBodyBytes: 256,
      responses: {
        204: { description: 'Recorded' },
        400: problemResponse,
        401: problemResponse,
        403: problemResponse,
        404: problemResponse,
        409: problemResponse,
        410: problemResponse,
        429: problemResponse,
        503: problemResponse,
      },
      async handle({ params, body, principal }) {
        await reportProgress(deps.auth, { rpId: principal.rp.id, terminal: principal.terminal }, params.id as ChallengeId, body.hint as (typeof reportableHints)[number]);
        return { status: 204 };
      },
    }),
  ];
}
