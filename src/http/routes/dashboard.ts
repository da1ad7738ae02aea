// The staff dashboard's figures (GET /v1/staff/dashboard): cards issued since
// a moment the caller names (the console sends its local midnight), pending
// four-eyes requests, and card + PIN authentications per relying party and
// outcome over the last hours (src/activity/auth-outcomes.ts). Aggregates
// only, no personal data: any signed-in staff member may read them.
import { z } from 'zod';
import { authOutcomes, MAX_HOURS, readAuthOutcomes } from '../../activity/auth-outcomes.js';
import { countPendingApprovals } from '../../registry/repos/approvals.js';
import { countCardsIssuedSince } from '../../registry/repos/cards.js';
import type { Sql } from '../../registry/sql.js';
import { listRps } from '../../rp/repo/list-rps.js';
import type { StaffPrincipal } from '../../staff/principal.js';
import type { EphemeralStore } from '../../store/ephemeral.js';
import type { Clock } from '../../util/clock.js';
import { defineRoute, problemResponse, type AnyRoute, type RouteAuth } from '../route.js';

export interface DashboardRouteDeps {
  readonly sql: Sql;
  readonly store: EphemeralStore;
  readonly clock: Clock;
  readonly auth: RouteAuth<StaffPrincipal>;
}

export function dashboardRoutes(deps: DashboardRouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/staff/dashboard',
      operationId: 'staffDashboard',
      summary: 'Cards issued since a moment, pending approvals, authentications per relying party and outcome by hour',
      tags: ['staff'],
      auth: deps.auth,
      query: z.object({
        since: z.iso.datetime({ offset: true }).optional().describe('Count cards issued from here (default: the last 24 hours)'),
        hours: z.coerce.number().int().min(1).max(MAX_HOURS).default(12),
      }),
      responses: {
        200: {
          description: 'The figures',
          schema: z.object({
            cardsIssued: z.number().int(),
            since: z.string(),
            pendingApprovals: z.number().int(),
            authentications: z.object({
              hours: z.array(z.string()).describe('The start of each hour, oldest first'),
              series: z.array(z.object({ rpId: z.string(), rpName: z.string(), outcome: z.enum(authOutcomes), counts: z.array(z.number().int()) })),
            }),
          }),
        },
        401: problemResponse,
      },
      async handle({ query }) {
        const now = deps.clock.now();
        const since = query.since === undefined ? new Date(now.getTime() - 24 * 3600_000) : new Date(query.since);
        const rps = await listRps(deps.sql);
        const [cardsIssued, pendingApprovals, counts] = await Promise.all([
          countCardsIssuedSince(deps.sql, since),
          countPendingApprovals(deps.sql, now),
          readAuthOutcomes(deps.store, rps.map((rp) => rp.id), query.hours, now),
        ]);
        const names = new Map(rps.map((rp) => [rp.id as string, rp.name]));
        return {
          body: {
            cardsIssued,
            since: since.toISOString(),
            pendingApprovals,
            authentications: { hours: [...counts.hours], series: counts.series.map((s) => ({ ...s, counts: [...s.counts], rpName: names.get(s.rpId) ?? s.rpId })) },
          },
        };
      },
    }),
  ];
}
