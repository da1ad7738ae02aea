// The blank-card stock over HTTP (GET /v1/issuance/stock): how many cards are
// available, reserved for a personalisation, issued or rejected, and which
// are available. Cards enter the stock at a station (`cardauth stock
// receive`, reading the serial and attestation from the card itself).
import { z } from 'zod';
import { requirePermission } from '../../access/permissions.js';
import { stockStatuses, stockSummary } from '../../registry/repos/card-stock.js';
import type { Sql } from '../../registry/sql.js';
import type { StaffPrincipal } from '../../staff/principal.js';
import { defineRoute, problemResponse, type AnyRoute, type RouteAuth } from '../route.js';

export function stockRoutes(deps: { readonly sql: Sql; readonly auth: RouteAuth<StaffPrincipal> }): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/issuance/stock',
      operationId: 'listStock',
      summary: 'The blank-card stock: counts by status and the cards available for personalisation',
      tags: ['issuance'],
      auth: deps.auth,
      query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }),
      responses: {
        200: {
          description: 'Stock',
          schema: z.object({
            counts: z.object(Object.fromEntries(stockStatuses.map((s) => [s, z.number().int()])) as Record<(typeof stockStatuses)[number], z.ZodNumber>),
            available: z.array(z.object({ serial: z.number().int(), manufacturer: z.string(), receivedAt: z.string() })),
          }),
        },
        401: problemResponse,
        403: problemResponse,
      },
      async handle({ query, principal }) {
        requirePermission(principal, 'card.read');
        const s = await stockSummary(deps.sql, query.limit);
        return { body: { counts: s.counts, available: s.available.map((c) => ({ serial: c.serial, manufacturer: c.manufacturer, receivedAt: c.receivedAt.toISOString() })) } };
      },
    }),
  ];
}
