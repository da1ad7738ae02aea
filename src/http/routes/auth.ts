// Card + PIN authentication API for relying parties:
//   POST   /v1/auth/challenges                 create a challenge
//   POST   /v1/auth/challenges/{id}/response   submit the card's response → signed result
//   GET    /v1/auth/challenges/{id}            pending | completed | failed | expired
//   DELETE /v1/auth/challenges/{id}            cancel
// Every route is called with the RP's credential (scheme rpKey). Handlers
// only translate: the schemas are the wire types of src/auth/wire.ts, the
// rules live in src/auth and src/rp.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { cancelChallenge } from '../../auth/cancel-challenge.js';
import { createChallenge } from '../../auth/create-challenge.js';
import type { AuthDeps } from '../../auth/deps.js';
import { MAX_WAIT_SECONDS, waitForChallengeState } from '../../auth/wait-for-challenge-state.js';
import { submitResponse } from '../../auth/submit-response.js';
import { authResultWire, cardResponseWire, challengeIdSchema, challengeRequestWire, challengeStateWire, challengeWire } from '../../auth/wire.js';
import { canonicalJson } from '../../auth/canonical-json.js';
import { admitTerminal, requireScope } from '../../rp/admission.js';
import { parseIdempotencyKey, runIdempotent } from '../../rp/idempotency.js';
import { defineRoute, problemResponse, type AnyRoute } from '../route.js';
import { RP_BODY_LIMITS } from './discovery.js';
import { rpRouteAuth, type RpAuthDeps } from './rp.js';

export interface AuthRouteDeps extends RpAuthDeps {
  readonly auth: AuthDeps;
}

const idParams = z.strictObject({ id: challengeIdSchema });
const waitQuery = z.object({
  wait: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_WAIT_SECONDS)
    .optional()
    .describe(`Long-poll: answer as soon as the challenge is no longer pending, or after this many seconds (0–${MAX_WAIT_SECONDS}; default 0, answer at once)`),
});

const refusals = { 401: problemResponse, 403: problemResponse, 429: problemResponse, 503: problemResponse };

export function authRoutes(deps: AuthRouteDeps): AnyRoute[] {
  const auth = rpRouteAuth(deps);
  // Routes that name a terminal count the RP and terminal limits together.
  const authWithTerminal = rpRouteAuth(deps, { rateLimit: 'with-terminal' });
  return [
    defineRoute({
      method: 'post',
      path: '/v1/auth/challenges',
      operationId: 'createChallenge',
      summary: 'Create a single-use challenge for a card + PIN authentication at a terminal',
      tags: ['authentication'],
      auth: authWithTerminal,
      codes: ['scope_not_allowed', 'terminal_unknown', 'terminal_not_allowed', 'attributes_not_allowed', 'amount_format', 'idempotency_key_invalid', 'idempotency_key_reused', 'idempotency_key_in_use'],
      body: challengeRequestWire,
      maxBodyBytes: RP_BODY_LIMITS.createChallenge,
      requestHeaders: {
        'Idempotency-Key': {
          description:
            'Optional (draft-ietf-httpapi-idempotency-key-header): 1–255 visible ASCII characters, e.g. a UUID, as a quoted string or bare. The same key with the same body answers the same challenge (same status and body, with `Idempotent-Replayed: true`) for as long as the challenge lives; with another body it is 422 `idempotency_key_reused`; while the first request is still running, 409 `idempotency_key_in_use`. Keys are scoped to the relying party.',
        },
      },
      responses: {
        201: {
          description: 'The challenge and the signing input',
          schema: challengeWire,
          headers: { Location: 'The challenge\'s URL', 'Idempotent-Replayed': '`true` when this is the answer to an earlier request with the same Idempotency-Key' },
        },
        400: problemResponse,
        409: problemResponse,
        422: problemResponse,
        ...refusals,
      },
      async handle({ body, principal, req }) {
        requireScope(principal, 'auth');
        const idempotencyKey = parseIdempotencyKey(req.headers['idempotency-key']);
        await admitTerminal(deps.store, principal, body.terminalId);
        const create = async () => {
          const ch = await createChallenge(
            deps.auth,
            { rpId: principal.rp.id, ekycAttributes: principal.rp.ekycAttributes, hasEkycScope: principal.rp.scopes.includes('ekyc') },
            {
              terminalId: body.terminalId,
              transaction: body.transaction,
              requestedAttributes: body.requestedAttributes,
              consentText: body.consentText,
              ttlSeconds: body.ttlSeconds,
              evidence: body.evidence,
            },
          );
          return { status: 201, json: JSON.stringify(ch), headers: { Location: `/v1/auth/challenges/${ch.id}` }, expiresAt: Date.parse(ch.expiresAt) };
        };
        if (idempotencyKey === undefined) return create();
        // The same key and request answer the first run's challenge, for as long as it lives.
        const fingerprint = createHash('sha256').update(canonicalJson(body)).digest('base64url');
        const { answer, replayed } = await runIdempotent(deps.store, { rpId: principal.rp.id, key: idempotencyKey, fingerprint }, async () => {
          const a = await create();
          return { answer: { status: a.status, json: a.json, headers: a.headers }, keepMs: a.expiresAt - deps.auth.clock.now().getTime() };
        });
        return { status: answer.status, json: answer.json, headers: replayed ? { ...answer.headers, 'Idempotent-Replayed': 'true' } : answer.headers };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/auth/challenges/:id/response',
      operationId: 'submitChallengeResponse',
      summary: 'Submit the card\'s certificate and signature; returns the signed result',
      description:
        'The challenge is consumed atomically first: of concurrent submissions exactly one can succeed. Forged or unverifiable responses all answer `authentication_failed`.',
      tags: ['authentication'],
      auth: authWithTerminal,
      codes: [
        'scope_not_allowed',
        'terminal_unknown',
        'terminal_not_allowed',
        'challenge_not_found',
        'challenge_expired',
        'challenge_used',
        'challenge_cancelled',
        'challenge_terminal_mismatch',
        'authentication_failed',
        'card_revoked',
        'card_suspended',
      ],
      params: idParams,
      body: cardResponseWire,
      maxBodyBytes: RP_BODY_LIMITS.submitChallengeResponse,
      responses: {
        200: { description: 'Authenticated: the signed result and its claims', schema: authResultWire },
        400: problemResponse,
        404: problemResponse,
        409: problemResponse,
        410: problemResponse,
        413: problemResponse,
        ...refusals,
      },
      async handle({ body, params, principal }) {
        // The scope, the terminal and the rate limits are checks of the list (src/auth/checks).
        const authenticated = await submitResponse(deps.auth, principal, params.id, body);
        return { json: authenticated.json };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/auth/challenges/:id',
      operationId: 'getChallenge',
      summary: 'State of a challenge: pending, completed (with the result), failed (with the code) or expired; with `wait`, a long-poll',
      description:
        `With \`?wait=N\` (1–${MAX_WAIT_SECONDS} s) the answer comes as soon as the challenge leaves \`pending\` — completed, failed, cancelled or expired — or after N seconds with \`pending\`, for relying parties that cannot take inbound calls (webhooks). Poll again after a \`pending\` answer. Each call counts once against the rate limit, however long it waits.`,
      tags: ['authentication'],
      auth,
      codes: ['challenge_not_found'],
      params: idParams,
      query: waitQuery,
      responses: { 200: { description: 'The state', schema: challengeStateWire }, 400: problemResponse, 404: problemResponse, ...refusals },
      async handle({ params, principal, query, res }) {
        // A client that goes away ends its wait (the answer would go nowhere).
        const gone = new AbortController();
        const onClose = (): void => gone.abort();
        res.once('close', onClose);
        let s;
        try {
          s = await waitForChallengeState(deps.auth, principal.rp.id, params.id, principal.terminal, { waitSeconds: query.wait ?? 0, signal: gone.signal });
        } finally {
          res.off('close', onClose);
        }
        if (gone.signal.aborted) return;
        return { body: s.status === 'pending' ? { status: 'pending', expiresAt: s.expiresAt.toISOString(), ...(s.hint ? { hint: s.hint } : {}), ...(s.challenge ? { challenge: s.challenge } : {}) } : s };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/auth/challenges/:id',
      operationId: 'cancelChallenge',
      summary: 'Cancel a pending challenge',
      tags: ['authentication'],
      auth,
      codes: ['challenge_not_found', 'challenge_used', 'challenge_expired', 'challenge_cancelled'],
      params: idParams,
      responses: { 204: { description: 'Cancelled' }, 404: problemResponse, 409: problemResponse, 410: problemResponse, ...refusals },
      async handle({ params, principal }) {
        await cancelChallenge(deps.auth, principal.rp.id, params.id, principal.terminal);
        return { status: 204 };
      },
    }),
  ];
}
