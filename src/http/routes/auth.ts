// Card + PIN authentication API for relying parties (issue 5, DESIGN.md flow 2):
//   POST   /v1/auth/challenges                 create a challenge
//   POST   /v1/auth/challenges/{id}/response   submit the card's response → signed result
//   GET    /v1/auth/challenges/{id}            pending | completed | failed | expired
//   DELETE /v1/auth/challenges/{id}            cancel
// Every route is called with the RP's credential (scheme rpKey). Handlers
// only translate; the rules live in src/auth.
import { z } from 'zod';
import { cancelChallenge } from '../../auth/cancel-challenge.js';
import { createChallenge } from '../../auth/create-challenge.js';
import { currencyMinorUnits } from '../../auth/currencies.js';
import { consentTextRule, displayTextLimits, multiLineTextProblem, singleLineTextProblem, singleLineTextRule, textProblemMessages, type TextProblem } from '../../auth/display-text.js';
import type { AuthDeps } from '../../auth/deps.js';
import { MAX_CHALLENGE_TTL_SECONDS, MIN_CHALLENGE_TTL_SECONDS } from '../../auth/deps.js';
import { getChallengeState } from '../../auth/get-challenge-state.js';
import { submitResponse } from '../../auth/submit-response.js';
import { CHALLENGE_ID, ekycAttributes, TERMINAL_ID, type ChallengeId, type TerminalId } from '../../auth/types.js';
import { authError } from '../../auth/codes.js';
import type { CertificateAuthority } from '../../../pki/index.js';
import { pkiCardVerifier } from '../../auth/adapters/pki-verifier.js';
import { registryCardStatus } from '../../auth/adapters/registry-status.js';
import { resultKeys, signerFromKeyStore, type LiveResultKeys } from '../../auth/adapters/result-keys.js';
import type { Sql } from '../../registry/sql.js';
import { createRpAuthenticator, type RpAuthenticator } from '../../rp/authenticate.js';
import { loadPeppers, pepperPath } from '../../rp/pepper.js';
import type { EphemeralStore } from '../../store/ephemeral.js';
import { systemClock, type Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { defineRoute, type AnyRoute } from '../route.js';
import { jwksRoutes } from './jwks.js';
import { progressHintSchema } from './progress-hint-schema.js';
import { problemResponse, requireTerminal, requireTerminalRegistered, rpRouteAuth, rpRoutes, terminalAdmission, type RpAuthDeps } from './rp.js';

export interface AuthRouteDeps extends RpAuthDeps {
  readonly auth: AuthDeps;
}

const terminalId = z.string().regex(TERMINAL_ID, '1-64 of A-Z a-z 0-9 . _ : -');
const currency = z.enum(Object.keys(currencyMinorUnits) as [keyof typeof currencyMinorUnits, ...(keyof typeof currencyMinorUnits)[]]);
// Text the terminal shows the citizen (src/auth/display-text.ts): refused
// here with every issue listed, and again by createChallenge for callers
// that do not come through HTTP.
const shownText = (max: number, problemOf: (s: string) => TextProblem | undefined) =>
  z
    .string()
    .min(1)
    .max(max)
    .superRefine((s, ctx) => {
      const problem = problemOf(s);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: textProblemMessages[problem], params: { reason: problem } });
    });
const singleLine = (max: number) => shownText(max, (s) => singleLineTextProblem(s, max));
const transaction = z.strictObject({
  amount: z.string().max(32).describe('Decimal string in major units, at most the currency\'s minor digits, e.g. "25000.00"'),
  currency: currency.describe('ISO 4217 alphabetic code (list one as of 2026-01-01, spendable currencies; src/auth/currencies.ts)'),
  payee: singleLine(displayTextLimits.payee).describe(`Who is paid, as the citizen reads it. ${singleLineTextRule}`),
  reference: singleLine(displayTextLimits.reference).optional().describe(`The payment's reference, shown to the citizen. ${singleLineTextRule}`),
});
const attribute = z.enum(ekycAttributes);

const challengeBody = z.strictObject({
  terminalId,
  transaction: transaction.optional(),
  requestedAttributes: z.array(attribute).max(ekycAttributes.length).optional(),
  consentText: shownText(displayTextLimits.consentText, (s) => multiLineTextProblem(s)).optional().describe(consentTextRule),
  ttlSeconds: z.number().int().min(MIN_CHALLENGE_TTL_SECONDS).max(MAX_CHALLENGE_TTL_SECONDS).optional(),
});

export const challengeSchema = z.object({
  id: z.string(),
  nonce: z.string().describe('base64url of 32 random bytes'),
  expiresAt: z.string(),
  rpId: z.string(),
  terminalId: z.string(),
  transaction: transaction.nullable(),
  requestedAttributes: z.array(attribute),
  consentText: z.string().nullable(),
  signingInput: z.object({
    algorithm: z.literal('SHA-256'),
    domain: z.string(),
    transactionCanonical: z.string(),
    rpIdSha256: z.string(),
    nonceSha256: z.string(),
    terminalIdSha256: z.string(),
    transactionSha256: z.string(),
    input: z.string().describe('hex of the 32 bytes the card signs'),
  }),
});

const idParams = z.strictObject({ id: z.string().regex(CHALLENGE_ID, 'a challenge id (ch_…)') });

const responseBody = z.strictObject({
  terminalId,
  certificate: z.string().min(1).max(8192).describe('base64 DER of the card\'s 9A certificate'),
  signature: z.string().min(1).max(128).describe('base64 DER ECDSA-Sig-Value over the signing input'),
  triesLeft: z.number().int().min(0).max(15).optional(),
});

const claimsSchema = z.object({
  iss: z.string(),
  aud: z.string(),
  sub: z.string(),
  iat: z.number().int(),
  auth_time: z.number().int(),
  jti: z.string(),
  card_serial: z.string().nullable(),
  cert_serial: z.string(),
  cert_sha256: z.string(),
  terminal_id: z.string(),
  txn_hash: z.string().nullable(),
  txn: transaction.nullable(),
  pinVerified: z.literal('on-card'),
  tries_left: z.number().int().optional().describe('PIN tries left as the terminal reported them after VERIFY: informative, not verified by the service'),
  attributes: z.record(z.string(), z.string()).optional(),
  sandbox: z.literal(true).optional().describe('Only in results of a sandbox service (test CA and cards): never evidence'),
});
const resultSchema = z.object({ result: z.string().describe('compact JWS, ES256, kid in the header'), claims: claimsSchema });

const stateSchema = z.object({
  status: z.enum(['pending', 'completed', 'failed', 'expired']),
  expiresAt: z.string().optional(),
  code: z.string().optional(),
  result: z.string().optional(),
  claims: claimsSchema.optional(),
  challenge: challengeSchema.optional().describe('While pending: the challenge as POST returned it, for a terminal given only the id'),
  hint: progressHintSchema.optional(),
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
      body: challengeBody,
      maxBodyBytes: 4096,
      responses: { 201: { description: 'The challenge and the signing input', schema: challengeSchema }, 400: problemResponse, ...refusals },
      async handle({ body, principal, res }) {
        if (!principal.rp.scopes.includes('auth')) throw authError('scope_not_allowed', 'This relying party has no auth scope.');
        await requireTerminal(deps.store, res, principal, body.terminalId as TerminalId);
        const ch = await createChallenge(
          deps.auth,
          { rpId: principal.rp.id, ekycAttributes: principal.rp.ekycAttributes, hasEkycScope: principal.rp.scopes.includes('ekyc') },
          {
            terminalId: body.terminalId as TerminalId,
            transaction: body.transaction,
            requestedAttributes: body.requestedAttributes,
            consentText: body.consentText,
            ttlSeconds: body.ttlSeconds,
          },
        );
        return { status: 201, body: ch, headers: { Location: `/v1/auth/challenges/${ch.id}` } };
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
      params: idParams,
      body: responseBody,
      maxBodyBytes: 8192,
      responses: {
        200: { description: 'Authenticated: the signed result and its claims', schema: resultSchema },
        400: problemResponse,
        404: problemResponse,
        409: problemResponse,
        410: problemResponse,
        413: problemResponse,
        ...refusals,
      },
      async handle({ body, params, principal, res }) {
        const terminal = body.terminalId as TerminalId;
        requireTerminalRegistered(principal, terminal);
        const authenticated = await submitResponse(
          deps.auth,
          {
            rpId: principal.rp.id,
            ekycAttributes: principal.rp.scopes.includes('ekyc') ? principal.rp.ekycAttributes : [],
            terminal: principal.terminal,
            // The rate limits count in the same store step that consumes the challenge.
            admission: terminalAdmission(res, principal, terminal),
          },
          params.id as ChallengeId,
          { certificate: body.certificate, signature: body.signature, terminalId: body.terminalId as TerminalId, triesLeft: body.triesLeft },
        );
        return { json: authenticated.json };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/auth/challenges/:id',
      operationId: 'getChallenge',
      summary: 'State of a challenge: pending, completed (with the result), failed (with the code) or expired',
      tags: ['authentication'],
      auth,
      params: idParams,
      responses: { 200: { description: 'The state', schema: stateSchema }, 404: problemResponse, ...refusals },
      async handle({ params, principal }) {
        const s = await getChallengeState(deps.auth, principal.rp.id, params.id as ChallengeId, principal.terminal);
        return {
          body:
            s.status === 'pending'
              ? { status: 'pending', expiresAt: s.expiresAt.toISOString(), ...(s.hint ? { hint: s.hint } : {}), ...(s.challenge ? { challenge: s.challenge } : {}) }
              : s,
        };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/auth/challenges/:id',
      operationId: 'cancelChallenge',
      summary: 'Cancel a pending challenge',
      tags: ['authentication'],
      auth,
      params: idParams,
      responses: { 204: { description: 'Cancelled' }, 404: problemResponse, 409: problemResponse, 410: problemResponse, ...refusals },
      async handle({ params, principal }) {
        await cancelChallenge(deps.auth, principal.rp.id, params.id as ChallengeId, principal.terminal);
        return { status: 204 };
      },
    }),
  ];
}

/**
 * Everything the service needs to mount the RP-facing API from the real
 * pieces: the CA (verifier roots, result-signing key from its key store), the
 * registry (`Sql`: RP credentials and card status), the ephemeral store, and
 * the pepper file in the data directory. For the composition root.
 */
export async function createAuthRouteSet(opts: {
  readonly sql: Sql;
  readonly store: EphemeralStore;
  readonly ca: CertificateAuthority;
  readonly dataDir: string;
  /** Public base URL: the `iss` of results. */
  readonly issuer: string;
  readonly challengeTtlSeconds: number;
  readonly log: Logger;
  readonly clock?: Clock;
  /**
   * The result-signing keys following rotations (watchResultKeys over
   * `ca.resultKeySet()`; the caller stops it). Without it: the CA's current
   * key as of now, for good.
   */
  readonly resultKeys?: Pick<LiveResultKeys, 'keys' | 'refresh'>;
  /** A sandbox service: results carry `"sandbox": true`. */
  readonly sandbox?: boolean;
}): Promise<{ routes: AnyRoute[]; deps: AuthDeps; authenticator: RpAuthenticator }> {
  const clock = opts.clock ?? systemClock;
  const peppers = loadPeppers(pepperPath(opts.dataDir));
  const keys = opts.resultKeys?.keys ?? resultKeys(signerFromKeyStore(await opts.ca.resultSigner()));
  const deps: AuthDeps = {
    store: opts.store,
    verifier: pkiCardVerifier({ root: opts.ca.root, issuing: opts.ca.issuing }),
    status: registryCardStatus(opts.sql),
    keys,
    peppers,
    clock,
    log: opts.log,
    issuer: opts.issuer,
    challengeTtlSeconds: opts.challengeTtlSeconds,
    ...(opts.sandbox === true ? { sandbox: true } : {}),
  };
  const authenticator = createRpAuthenticator({ sql: opts.sql, apiPepper: peppers.apiSecret, clock, log: opts.log });
  const routeDeps = { auth: deps, authenticator, store: opts.store };
  return { routes: [...authRoutes(routeDeps), ...rpRoutes(routeDeps), ...jwksRoutes({ keys, refresh: opts.resultKeys?.refresh })], deps, authenticator };
}
