// GET /.well-known/cardauth-configuration: what a relying party needs to
// configure itself against this service, in the manner of OpenID Connect
// Discovery 1.0 §3 (issuer, jwks_uri, the supported methods and algorithms)
// plus this API's own limits. Public, cacheable; computed once.
import { z } from 'zod';
import type { AuthDeps } from '../../auth/deps.js';
import { currencyMinorUnits } from '../../auth/currencies.js';
import { RESULT_JWS_TYP } from '../../auth/result/sign-jws.js';
import { MAX_WAIT_SECONDS } from '../../auth/wait-for-challenge-state.js';
import { MAX_CHALLENGE_TTL_SECONDS, MIN_CHALLENGE_TTL_SECONDS } from '../../auth/wire.js';
import { ekycAttributes } from '../../rp/ids.js';
import { API_VERSION, API_VERSIONS } from '../api-version.js';
import { defineRoute, type AnyRoute } from '../route.js';

/** Body bounds of the relying parties' POST routes (the routes declare the same numbers). */
export const RP_BODY_LIMITS = { createChallenge: 4096, submitChallengeResponse: 8192 } as const;

/**
 * How relying parties authenticate (the OpenID Connect Discovery names where
 * one fits): `client_secret_bearer` — `Authorization: Bearer <keyId>.<secret>`;
 * `private_key_jwt` — `Authorization: Client-Assertion <JWT>` signed with a
 * registered ES256 key.
 */
export const RP_AUTH_METHODS = ['client_secret_bearer', 'private_key_jwt'] as const;

export interface DiscoveryDeps {
  readonly auth: Pick<AuthDeps, 'issuer' | 'challengeTtlSeconds' | 'outcomeTtlSeconds' | 'evidenceOcsp'>;
  /** Client authentication methods accepted on the RP API (`rpKey` and, when offered, `private_key_jwt`). */
  readonly authMethods: readonly string[];
  /** Webhook event types, when webhooks are offered. */
  readonly webhookEvents?: readonly string[];
}

export const discoveryDocument = z.object({
  issuer: z.string(),
  jwks_uri: z.string(),
  openapi_uri: z.string(),
  api_version: z.string(),
  api_versions: z.array(z.object({ version: z.string(), base_path: z.string(), status: z.string() })),
  result_signing_alg_values_supported: z.array(z.string()),
  result_typ: z.string(),
  token_endpoint_auth_methods_supported: z.array(z.string()),
  token_endpoint_auth_signing_alg_values_supported: z.array(z.string()),
  currencies_supported: z.array(z.string()),
  ekyc_attributes_supported: z.array(z.string()),
  challenge_ttl_seconds: z.object({ min: z.number(), max: z.number(), default: z.number() }),
  long_poll_max_wait_seconds: z.number(),
  result_retention_seconds: z.number(),
  request_body_max_bytes: z.record(z.string(), z.number()),
  evidence_supported: z.boolean(),
  idempotency_key_supported: z.boolean(),
  webhook_events_supported: z.array(z.string()),
  webhook_signature_scheme: z.string().optional(),
});

export function discoveryRoutes(deps: DiscoveryDeps): AnyRoute[] {
  const base = deps.auth.issuer;
  const doc: z.infer<typeof discoveryDocument> = {
    issuer: base,
    jwks_uri: `${base}/.well-known/jwks.json`,
    openapi_uri: `${base}/openapi.json`,
    api_version: API_VERSION,
    api_versions: API_VERSIONS.map((v) => ({ version: v.version, base_path: v.basePath, status: v.status })),
    result_signing_alg_values_supported: ['ES256'],
    result_typ: RESULT_JWS_TYP,
    token_endpoint_auth_methods_supported: [...deps.authMethods],
    token_endpoint_auth_signing_alg_values_supported: ['ES256'],
    currencies_supported: Object.keys(currencyMinorUnits).sort(),
    ekyc_attributes_supported: [...ekycAttributes],
    challenge_ttl_seconds: { min: MIN_CHALLENGE_TTL_SECONDS, max: MAX_CHALLENGE_TTL_SECONDS, default: deps.auth.challengeTtlSeconds },
    long_poll_max_wait_seconds: MAX_WAIT_SECONDS,
    result_retention_seconds: deps.auth.outcomeTtlSeconds ?? 900,
    request_body_max_bytes: { ...RP_BODY_LIMITS },
    evidence_supported: deps.auth.evidenceOcsp !== undefined,
    idempotency_key_supported: true,
    webhook_events_supported: [...(deps.webhookEvents ?? [])],
    ...(deps.webhookEvents && deps.webhookEvents.length > 0 ? { webhook_signature_scheme: 'standard-webhooks-v1-hmac-sha256' } : {}),
  };
  const json = JSON.stringify(doc);
  return [
    defineRoute({
      method: 'get',
      path: '/.well-known/cardauth-configuration',
      operationId: 'getConfiguration',
      codes: [],
      summary: 'Discovery: issuer, key set, API versions, supported currencies and methods, limits, result retention',
      tags: ['authentication'],
      responses: { 200: { description: 'The configuration', schema: discoveryDocument } },
      async handle() {
        return { json, headers: { 'Cache-Control': 'public, max-age=300' } };
      },
    }),
  ];
}
