// What operators and load balancers ask the service: GET /healthz (the
// process answers), GET /readyz (every dependency answers: 200, else 503 with
// the failing check named) and GET /metrics (Prometheus text exposition of
// the requests this process served).
import { z } from 'zod';
import type { HttpMetrics } from '../metrics.js';
import { defineRoute, type AnyRoute } from '../route.js';

export interface OperationsDeps {
  /** Named readiness probes; /readyz is 200 only when all are true. */
  readonly readiness?: Readonly<Record<string, () => Promise<boolean>>>;
  readonly metrics: HttpMetrics;
}

const readySchema = z.object({ status: z.enum(['ready', 'unavailable']), checks: z.record(z.string(), z.boolean()) });

export function operationsRoutes(deps: OperationsDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'getHealth',
      summary: 'The process is up and answering',
      tags: ['operations'],
      responses: { 200: { description: 'Up', schema: z.object({ status: z.literal('ok') }) } },
      async handle() {
        return { body: { status: 'ok' } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      operationId: 'getReadiness',
      summary: 'Every dependency answers (registry, ephemeral store, …); take the process out of rotation otherwise',
      tags: ['operations'],
      responses: { 200: { description: 'Ready', schema: readySchema }, 503: { description: 'Not ready: the failing checks are false', schema: readySchema } },
      async handle() {
        const checks: Record<string, boolean> = {};
        await Promise.all(
          Object.entries(deps.readiness ?? {}).map(async ([name, probe]) => {
            checks[name] = await probe().catch(() => false);
          }),
        );
        const ok = Object.values(checks).every(Boolean);
        return { status: ok ? 200 : 503, body: { status: ok ? 'ready' : 'unavailable', checks } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'getMetrics',
      summary: 'Request counts and latencies per operation of this process (Prometheus text format 0.0.4)',
      tags: ['operations'],
      responses: { 200: { description: 'Prometheus text exposition', contentType: 'text/plain; version=0.0.4' } },
      async handle() {
        const mem = process.memoryUsage();
        return {
          contentType: 'text/plain; version=0.0.4',
          body: deps.metrics.render({ process_resident_memory_bytes: mem.rss, nodejs_heap_used_bytes: mem.heapUsed }),
        };
      },
    }),
  ];
}
