// Administration of relying parties' client keys and webhooks over HTTP
// (staff session with the rp.manage permission: admins), the same operations
// as `cardauth rp add-key | remove-key | webhook …`:
//   POST   /v1/staff/relying-parties/{id}/keys            {jwk}  register a public ES256 key
//   DELETE /v1/staff/relying-parties/{id}/keys/{kid}              remove it
//   POST   /v1/staff/relying-parties/{id}/webhooks        {url, events?}  → the secret, once
//   GET    /v1/staff/relying-parties/{id}/webhooks
//   DELETE /v1/staff/relying-parties/{id}/webhooks/{id}
import { z } from 'zod';
import { rpIdSchema } from '../../rp/ids.js';
import { addClientKey } from '../../rp/repo/add-client-key.js';
import { removeClientKey } from '../../rp/repo/remove-client-key.js';
import type { StaffPrincipal } from '../../staff/principal.js';
import type { Sql } from '../../registry/sql.js';
import type { Clock } from '../../util/clock.js';
import { webhookEventTypes } from '../../webhooks/events.js';
import { addWebhook } from '../../webhooks/repo/add-webhook.js';
import { listWebhooks } from '../../webhooks/repo/list-webhooks.js';
import { removeWebhook } from '../../webhooks/repo/remove-webhook.js';
import { defineRoute, problemResponse, type AnyRoute, type RouteAuth } from '../route.js';

export interface RpAdminRouteDeps {
  readonly sql: Sql;
  /** A staff session holding rp.manage. */
  readonly auth: RouteAuth<StaffPrincipal>;
  readonly sealKey: Buffer;
  readonly clock: Clock;
  /** Drop this process's cached RP keys and webhook lookups after a change. */
  readonly changed: () => void;
}

const rpParams = z.strictObject({ id: rpIdSchema });
const endpointView = z.object({ id: z.string(), rpId: z.string(), url: z.string(), events: z.array(z.enum(webhookEventTypes)), createdAt: z.string() });
const refusals = { 401: problemResponse, 403: problemResponse, 404: problemResponse };
const actorOf = (p: StaffPrincipal) => `staff:${p.staffId}`;

export function rpAdminRoutes(deps: RpAdminRouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/staff/relying-parties/:id/keys',
      operationId: 'rpAddClientKey',
      summary: 'Register a public key (JWK, EC P-256, ES256) for the RP\'s signed client assertions (admin)',
      tags: ['relying parties'],
      auth: deps.auth,
      params: rpParams,
      body: z.strictObject({ jwk: z.record(z.string(), z.unknown()).describe('The public JWK; a key with private members is refused') }),
      maxBodyBytes: 4096,
      responses: { 201: { description: 'Registered', schema: z.object({ kid: z.string() }) }, 400: problemResponse, ...refusals },
      async handle({ params, body, principal }) {
        const key = await addClientKey(deps.sql, params.id, body.jwk, actorOf(principal), deps.clock.now());
        deps.changed();
        return { status: 201, body: { kid: key.kid } };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/staff/relying-parties/:id/keys/:kid',
      operationId: 'rpRemoveClientKey',
      summary: 'Remove one of the RP\'s client-assertion keys (admin)',
      tags: ['relying parties'],
      auth: deps.auth,
      params: z.strictObject({ id: rpIdSchema, kid: z.string().regex(/^[A-Za-z0-9._~-]{1,128}$/) }),
      responses: { 204: { description: 'Removed (or already removed)' }, ...refusals },
      async handle({ params, principal }) {
        await removeClientKey(deps.sql, params.id, params.kid, actorOf(principal), deps.clock.now());
        deps.changed();
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/staff/relying-parties/:id/webhooks',
      operationId: 'rpAddWebhook',
      summary: 'Register a webhook endpoint for the RP (admin); answers its signing secret, once',
      tags: ['relying parties'],
      auth: deps.auth,
      params: rpParams,
      body: z.strictObject({ url: z.string().min(1).max(2048), events: z.array(z.enum(webhookEventTypes)).max(webhookEventTypes.length).optional() }),
      maxBodyBytes: 4096,
      responses: {
        201: { description: 'Registered; `secret` (whsec_…) is shown this once', schema: endpointView.extend({ secret: z.string() }) },
        400: problemResponse,
        ...refusals,
      },
      async handle({ params, body, principal }) {
        const { webhook, secret } = await addWebhook(deps.sql, { rpId: params.id, url: body.url, events: body.events }, deps.sealKey, actorOf(principal), deps.clock.now());
        deps.changed();
        return { status: 201, body: { id: webhook.id, rpId: webhook.rpId, url: webhook.url, events: [...webhook.events], createdAt: webhook.createdAt.toISOString(), secret } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/staff/relying-parties/:id/webhooks',
      operationId: 'rpListWebhooks',
      summary: 'The RP\'s webhook endpoints (admin)',
      tags: ['relying parties'],
      auth: deps.auth,
      params: rpParams,
      responses: { 200: { description: 'Endpoints', schema: z.object({ webhooks: z.array(endpointView) }) }, ...refusals },
      async handle({ params }) {
        const list = await listWebhooks(deps.sql, params.id);
        return { body: { webhooks: list.map((w) => ({ id: w.id, rpId: w.rpId, url: w.url, events: [...w.events], createdAt: w.createdAt.toISOString() })) } };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/staff/relying-parties/:id/webhooks/:webhookId',
      operationId: 'rpRemoveWebhook',
      summary: 'Remove a webhook endpoint (admin)',
      tags: ['relying parties'],
      auth: deps.auth,
      params: z.strictObject({ id: rpIdSchema, webhookId: z.string().regex(/^wh_[A-Za-z0-9_-]{16,40}$/) }),
      responses: { 204: { description: 'Removed (or already removed)' }, ...refusals },
      async handle({ params, principal }) {
        await removeWebhook(deps.sql, params.webhookId, actorOf(principal), deps.clock.now(), params.id);
        deps.changed();
        return { status: 204 };
      },
    }),
  ];
}
