// The relying parties' view of their webhooks (scheme rpKey):
//   GET  /v1/rp/webhooks                                 their endpoints (never the secrets)
//   GET  /v1/rp/webhooks/deliveries                      deliveries, newest first
//   POST /v1/rp/webhooks/deliveries/{id}/redeliver       send that message again (same webhook-id)
// Registering an endpoint is an administrator's act (rp-admin.ts, `cardauth rp webhook add`).
import { z } from 'zod';
import { requireScope } from '../../rp/admission.js';
import { webhookEventTypes } from '../../webhooks/events.js';
import { deliveryStatuses, listDeliveries, redeliver } from '../../webhooks/repo/deliveries.js';
import { listWebhooks } from '../../webhooks/repo/list-webhooks.js';
import type { Sql } from '../../registry/sql.js';
import type { Clock } from '../../util/clock.js';
import { defineRoute, problemResponse, type AnyRoute } from '../route.js';
import { rpRouteAuth, type RpAuthDeps } from './rp.js';

export interface WebhookRouteDeps extends RpAuthDeps {
  readonly sql: Sql;
  readonly clock: Clock;
  /** Tell the dispatcher a delivery is due now. */
  readonly wake: () => void;
}

export const deliveryIdSchema = z.string().regex(/^msg_[0-9a-f]{32}$/, 'a delivery id (msg_…)');

const endpointView = z.object({ id: z.string(), url: z.string(), events: z.array(z.enum(webhookEventTypes)), createdAt: z.string() });
export const deliveryView = z.object({
  id: deliveryIdSchema.describe('The message id: the webhook-id header of every attempt'),
  webhookId: z.string(),
  type: z.enum(webhookEventTypes),
  status: z.enum(deliveryStatuses),
  attempts: z.number().int(),
  createdAt: z.string(),
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  lastStatus: z.number().int().nullable().describe('HTTP status of the last attempt; null when no answer came'),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});
const refusals = { 401: problemResponse, 403: problemResponse, 429: problemResponse, 503: problemResponse };

export function webhookRoutes(deps: WebhookRouteDeps): AnyRoute[] {
  const auth = rpRouteAuth(deps);
  return [
    defineRoute({
      method: 'get',
      path: '/v1/rp/webhooks',
      operationId: 'listWebhooks',
      summary: 'The calling RP\'s webhook endpoints',
      tags: ['webhooks'],
      auth,
      codes: ['scope_not_allowed'],
      responses: { 200: { description: 'Endpoints', schema: z.object({ webhooks: z.array(endpointView) }) }, ...refusals },
      async handle({ principal }) {
        requireScope(principal, 'auth');
        const list = await listWebhooks(deps.sql, principal.rp.id);
        return { body: { webhooks: list.map((w) => ({ id: w.id, url: w.url, events: [...w.events], createdAt: w.createdAt.toISOString() })) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/rp/webhooks/deliveries',
      operationId: 'listWebhookDeliveries',
      summary: 'The calling RP\'s webhook deliveries, newest first: pending (with the next attempt), delivered, failed',
      tags: ['webhooks'],
      auth,
      codes: ['scope_not_allowed'],
      query: z.object({
        status: z.enum(deliveryStatuses).optional(),
        limit: z.coerce.number().int().min(1).max(200).optional().describe('Default 50'),
        before: z.iso.datetime({ offset: true }).optional().describe('Page on: deliveries created before this time (the createdAt of the last one seen)'),
      }),
      responses: { 200: { description: 'Deliveries', schema: z.object({ deliveries: z.array(deliveryView) }) }, 400: problemResponse, ...refusals },
      async handle({ principal, query }) {
        requireScope(principal, 'auth');
        const deliveries = await listDeliveries(deps.sql, principal.rp.id, {
          status: query.status,
          limit: query.limit ?? 50,
          before: query.before === undefined ? undefined : new Date(query.before),
        });
        return { body: { deliveries } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/rp/webhooks/deliveries/:id/redeliver',
      operationId: 'redeliverWebhook',
      summary: 'Send a delivery again now: the same message and webhook-id, newly signed',
      description: 'Whatever its status. A receiver that already processed the message recognises its webhook-id and ignores it.',
      tags: ['webhooks'],
      auth,
      codes: ['scope_not_allowed', 'webhook_delivery_not_found'],
      params: z.strictObject({ id: deliveryIdSchema }),
      responses: { 202: { description: 'Due now', schema: deliveryView }, 404: problemResponse, ...refusals },
      async handle({ principal, params }) {
        requireScope(principal, 'auth');
        const d = await redeliver(deps.sql, principal.rp.id, params.id, deps.clock.now());
        deps.wake();
        return { status: 202, body: d };
      },
    }),
  ];
}
