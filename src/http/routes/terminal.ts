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
import type { AuthDeps } from '../../auth/deps.js';
import { MAX_TERMINAL_WAIT_SECONDS, nextChallengeForTerminal } from '../../auth/next-challenge-for-terminal.js';
import { reportableHints } from '../../auth/progress-hint-codes.js';
import { reportProgress } from '../../auth/report-progress.js';
import { challengeIdSchema, challengeWire } from '../../auth/wire.js';
import { newRpCall, requireTerminal, type RpCall } from '../../rp/admission.js';
import { rpError } from '../../rp/codes.js';
import { terminalIdSchema, type TerminalId } from '../../rp/ids.js';
import { checkRate, rateHeaders, rateLimitedError, terminalRateKey } from '../../rp/rate-limit.js';
import { defineRoute, problemResponse, type AnyRoute, type RouteAuth } from '../route.js';
import type { RpAuthDeps } from './rp.js';

export interface TerminalRouteDeps extends RpAuthDeps {
  readonly auth: AuthDeps;
  /** How often the long poll looks at the store (ms); default 250. */
  readonly pollMs?: number;
}

/** A caller whose credential speaks for one terminal. */
export type TerminalCall = RpCall & { readonly terminal: TerminalId };

function writeRateHeaders(res: ServerResponse, call: RpCall): void {
  if (res.headersSent) return;
  for (const [k, v] of Object.entries(rateHeaders(call.rate.decisions))) res.setHeader(k, v);
}

/** The rpKey scheme for terminal-bound credentials, counted against the terminal's own limit. */
export function terminalKeyAuth(deps: RpAuthDeps): RouteAuth<TerminalCall> {
  return {
    scheme: 'rpKey',
    async authenticate(req, res) {
      const call = newRpCall(await deps.authenticator.authenticate(req.headers.authorization));
      const terminal = call.terminal;
      if (terminal === undefined) {
        throw rpError('terminal_key_required', 'Use the key of this terminal (cardauth rp terminal-key), not the RP-wide key.');
      }
      // Still registered (removing a terminal removes its keys; this is the second line).
      requireTerminal(call, terminal);
      const d = await checkRate(deps.store, 'terminal', terminalRateKey(call.rp.id, terminal), call.rp.terminalRatePerMinute);
      call.rate.decisions = [d];
      writeRateHeaders(res, call);
      if (!d.allowed) throw rateLimitedError(d);
      return { ...call, terminal };
    },
    answered(call, res) {
      writeRateHeaders(res, call);
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
      params: z.strictObject({ terminalId: terminalIdSchema }),
      query: z.object({
        wait: z.coerce.number().int().min(0).max(MAX_TERMINAL_WAIT_SECONDS).default(25).describe('seconds to wait for a challenge'),
        after: challengeIdSchema.optional().describe('the challenge this terminal took last: not offered again'),
      }),
      responses: {
        200: {
          description: 'A pending challenge for this terminal',
          schema: z.object({ challenge: challengeWire, rpName: z.string().describe("The relying party's registered name") }),
        },
        204: { description: 'No challenge within the wait' },
        400: problemResponse,
        401: problemResponse,
        403: problemResponse,
        429: problemResponse,
        503: problemResponse,
      },
      async handle({ params, query, principal, res }) {
        requireTerminal(principal, params.terminalId);
        // The terminal hung up: stop looking.
        const gone = new AbortController();
        const onClose = (): void => gone.abort();
        res.once('close', onClose);
        try {
          const challenge = await nextChallengeForTerminal(
            deps.auth,
            { rpId: principal.rp.id, terminalId: principal.terminal, after: query.after, waitMs: query.wait * 1000, signal: gone.signal },
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
      params: z.strictObject({ id: challengeIdSchema }),
      body: z.strictObject({ hint: z.enum(reportableHints) }),
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
        await reportProgress(deps.auth, { rpId: principal.rp.id, terminal: principal.terminal }, params.id, body.hint);
        return { status: 204 };
      },
    }),
  ];
}
