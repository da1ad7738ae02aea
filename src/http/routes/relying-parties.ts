// Relying-party administration over HTTP (/v1/staff/relying-parties…), for
// the console: the same registry functions `cardauth rp` runs (src/rp/repo/),
// admin staff only (rp.manage), every change audited with the staff member
// as the actor. A new API secret is in the answer of the call that made it,
// once: the registry keeps only its keyed hash, and no route reads it back.
import { z } from 'zod';
import { requirePermission } from '../../access/permissions.js';
import { ekycAttributes } from '../../rp/ids.js';
import { issueTerminalCredential } from '../../rp/repo/issue-terminal-credential.js';
import { listRps } from '../../rp/repo/list-rps.js';
import { registerRp } from '../../rp/repo/register-rp.js';
import { revokeCredential } from '../../rp/repo/revoke-credential.js';
import { rotateCredential } from '../../rp/repo/rotate-credential.js';
import { setRpStatus } from '../../rp/repo/set-rp-status.js';
import { updateRp } from '../../rp/repo/update-rp.js';
import { rpScopes, type IssuedCredential, type RelyingParty, type RpCredentialInfo } from '../../rp/types.js';
import type { Sql } from '../../registry/sql.js';
import type { StaffPrincipal } from '../../staff/principal.js';
import type { Clock } from '../../util/clock.js';
import { defineRoute, problemResponse, type AnyRoute, type RouteAuth } from '../route.js';

export interface RelyingPartyRouteDeps {
  readonly sql: Sql;
  /** The key of the API-secret hashes (the RP pepper). */
  readonly apiPepper: Buffer;
  readonly clock: Clock;
  readonly auth: RouteAuth<StaffPrincipal>;
}

const credentialInfo = z.object({
  keyId: z.string(),
  terminal: z.string().optional().describe('Set for a key that speaks for this terminal only'),
  createdAt: z.string(),
  validUntil: z.string().optional().describe('Absent: valid until rotated'),
});
const rpView = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['active', 'disabled']),
  scopes: z.array(z.enum(rpScopes)),
  ekycAttributes: z.array(z.enum(ekycAttributes)),
  terminals: z.array(z.string()),
  rateLimitPerMinute: z.number().int(),
  terminalRatePerMinute: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  credentials: z.array(credentialInfo).optional(),
});
const newSecret = z.object({
  keyId: z.string(),
  secret: z.string().describe('Shown once: the registry keeps only its keyed hash'),
  token: z.string().describe('`<keyId>.<secret>`, as sent in Authorization: Bearer'),
});
const idParams = z.object({ id: z.string().min(1).max(100) });
const reasonBody = z.object({ reason: z.string().max(200).optional() }).strict();
const rate = z.number().int().min(1).max(10_000_000);

function view(rp: RelyingParty, credentials?: readonly RpCredentialInfo[]): z.infer<typeof rpView> {
  return {
    id: rp.id,
    name: rp.name,
    status: rp.status,
    scopes: [...rp.scopes],
    ekycAttributes: [...rp.ekycAttributes],
    terminals: [...rp.terminals],
    rateLimitPerMinute: rp.rateLimitPerMinute,
    terminalRatePerMinute: rp.terminalRatePerMinute,
    createdAt: rp.createdAt.toISOString(),
    updatedAt: rp.updatedAt.toISOString(),
    ...(credentials === undefined
      ? {}
      : {
          credentials: credentials.map((c) => ({
            keyId: c.keyId,
            ...(c.terminal === undefined ? {} : { terminal: c.terminal }),
            createdAt: c.createdAt.toISOString(),
            ...(c.validUntil === undefined ? {} : { validUntil: c.validUntil.toISOString() }),
          })),
        }),
  };
}

const secretOut = (c: IssuedCredential): z.infer<typeof newSecret> => ({ keyId: c.keyId, secret: c.secret, token: c.token });

export function relyingPartyRoutes(deps: RelyingPartyRouteDeps): AnyRoute[] {
  const tags = ['relying parties (admin)'];
  const admin = (p: StaffPrincipal): string => {
    requirePermission(p, 'rp.manage');
    return `staff:${p.staffId}`;
  };
  const problems = { 400: problemResponse, 401: problemResponse, 403: problemResponse, 404: problemResponse };
  return [
    defineRoute({
      method: 'get',
      path: '/v1/staff/relying-parties',
      operationId: 'rpAdminList',
      summary: 'Every relying party with its terminals, limits and credential key ids (never a secret)',
      tags,
      auth: deps.auth,
      responses: { 200: { description: 'Relying parties', schema: z.object({ relyingParties: z.array(rpView) }) }, 401: problemResponse, 403: problemResponse },
      async handle({ principal }) {
        admin(principal);
        return { body: { relyingParties: (await listRps(deps.sql)).map((rp) => view(rp, rp.credentials)) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/staff/relying-parties',
      operationId: 'rpAdminRegister',
      summary: 'Register a relying party with its first RP-wide API credential (the secret is in this answer only)',
      tags,
      auth: deps.auth,
      body: z
        .object({
          name: z.string().min(1).max(200),
          terminals: z.array(z.string().min(1).max(64)).min(1).max(1000),
          scopes: z.array(z.enum(rpScopes)).min(1).default(['auth']),
          ekycAttributes: z.array(z.enum(ekycAttributes)).default([]),
          rateLimitPerMinute: rate.optional(),
          terminalRatePerMinute: rate.optional(),
        })
        .strict(),
      maxBodyBytes: 64 * 1024,
      responses: { 201: { description: 'Registered', schema: z.object({ relyingParty: rpView, credential: newSecret }) }, ...problems },
      async handle({ body, principal }) {
        const actor = admin(principal);
        const { rp, credential } = await registerRp(
          deps.sql,
          {
            name: body.name,
            terminals: body.terminals,
            scopes: body.scopes,
            ekycAttributes: body.ekycAttributes,
            ...(body.rateLimitPerMinute === undefined ? {} : { rateLimitPerMinute: body.rateLimitPerMinute }),
            ...(body.terminalRatePerMinute === undefined ? {} : { terminalRatePerMinute: body.terminalRatePerMinute }),
          },
          deps.apiPepper,
          actor,
          deps.clock.now(),
        );
        return { status: 201, body: { relyingParty: view(rp), credential: secretOut(credential) } };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/staff/relying-parties/:id',
      operationId: 'rpAdminUpdate',
      summary: 'Change name, terminals, scopes, eKYC attributes or limits (the whole result checked as a new registration; audited field by field)',
      tags,
      auth: deps.auth,
      params: idParams,
      body: z
        .object({
          name: z.string().min(1).max(200).optional(),
          addTerminals: z.array(z.string().min(1).max(64)).max(1000).optional(),
          removeTerminals: z.array(z.string().min(1).max(64)).max(1000).optional(),
          scopes: z.array(z.enum(rpScopes)).min(1).optional(),
          ekycAttributes: z.array(z.enum(ekycAttributes)).optional(),
          rateLimitPerMinute: rate.optional(),
          terminalRatePerMinute: rate.optional(),
        })
        .strict(),
      maxBodyBytes: 64 * 1024,
      responses: { 200: { description: 'The registration now and what changed', schema: z.object({ relyingParty: rpView, changed: z.record(z.string(), z.unknown()) }) }, ...problems },
      async handle({ params, body, principal }) {
        const actor = admin(principal);
        const { rp, changed } = await updateRp(deps.sql, params.id, body, actor, deps.clock.now());
        return { body: { relyingParty: view(rp), changed: { ...changed } } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/staff/relying-parties/:id/rotate',
      operationId: 'rpAdminRotate',
      summary: 'A new RP-wide credential (secret in this answer only); the previous RP-wide keys stay valid for the overlap',
      tags,
      auth: deps.auth,
      params: idParams,
      body: z.object({ overlapSeconds: z.number().int().min(0).max(30 * 86_400).default(86_400) }).strict(),
      responses: { 200: { description: 'Rotated', schema: z.object({ credential: newSecret, previousValidUntil: z.string() }) }, ...problems },
      async handle({ params, body, principal }) {
        const actor = admin(principal);
        const { credential, oldValidUntil } = await rotateCredential(deps.sql, params.id, body.overlapSeconds, deps.apiPepper, actor, deps.clock.now());
        return { body: { credential: secretOut(credential), previousValidUntil: oldValidUntil.toISOString() } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/staff/relying-parties/:id/terminal-keys',
      operationId: 'rpAdminTerminalKey',
      summary: 'A credential that speaks for one registered terminal only (secret in this answer only)',
      tags,
      auth: deps.auth,
      params: idParams,
      body: z.object({ terminal: z.string().min(1).max(64) }).strict(),
      responses: { 201: { description: 'Issued', schema: z.object({ terminal: z.string(), credential: newSecret }) }, ...problems },
      async handle({ params, body, principal }) {
        const actor = admin(principal);
        const { credential, terminal } = await issueTerminalCredential(deps.sql, params.id, body.terminal, deps.apiPepper, actor, deps.clock.now());
        return { status: 201, body: { terminal, credential: secretOut(credential) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/staff/relying-parties/keys/:keyId/revoke',
      operationId: 'rpAdminRevokeKey',
      summary: 'End one credential now',
      tags,
      auth: deps.auth,
      params: z.object({ keyId: z.string().min(1).max(100) }),
      body: reasonBody,
      responses: { 200: { description: 'Revoked (changed false: it had already ended)', schema: z.object({ rpId: z.string(), changed: z.boolean() }) }, ...problems },
      async handle({ params, body, principal }) {
        const actor = admin(principal);
        return { body: await revokeCredential(deps.sql, params.keyId, body.reason ?? '', actor, deps.clock.now()) };
      },
    }),
    ...(['disable', 'enable'] as const).map((verb) =>
      defineRoute({
        method: 'post',
        path: `/v1/staff/relying-parties/:id/${verb}`,
        operationId: verb === 'disable' ? 'rpAdminDisable' : 'rpAdminEnable',
        summary: verb === 'disable' ? 'Disable a relying party: every call with its keys is refused rp_disabled' : 'Enable a disabled relying party again',
        tags,
        auth: deps.auth,
        params: idParams,
        body: reasonBody,
        responses: { 200: { description: 'The registration now', schema: z.object({ relyingParty: rpView, changed: z.boolean() }) }, ...problems },
        async handle({ params, body, principal }) {
          const actor = admin(principal);
          const { rp, changed } = await setRpStatus(deps.sql, params.id, verb === 'disable' ? 'disabled' : 'active', body.reason ?? '', actor, deps.clock.now());
          return { body: { relyingParty: view(rp), changed } };
        },
      }),
    ),
  ];
}
