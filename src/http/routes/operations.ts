// What load balancers ask the service: GET /healthz (the process answers)
// and GET /readyz (every dependency answers: 200, else 503 with the failing
// check named). GET /metrics (Prometheus text exposition) is served on its
// own listener (metricsRoutes), not beside the public API: it shows
// per-operation traffic, and with several processes the primary answers it
// for all of them.
import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../route.js';

/** A readiness probe: ready or not, optionally with public details (dates, never secrets) shown beside it. */
export type ReadinessProbe = () => Promise<boolean | { readonly ready: boolean; readonly details: Readonly<Record<string, unknown>> }>;

export interface OperationsDeps {
  /** Named readiness probes; /readyz is 200 only when all are ready. */
  readonly readiness?: Readonly<Record<string, ReadinessProbe>>;
}

/** The figures behind GET /metrics: one process's registry, or the cluster primary's sum of them. */
export interface MetricsSource {
  render(): Promise<string>;
  readonly contentType: string;
}

const readySchema = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.record(z.string(), z.boolean()),
  details: z.record(z.string(), z.record(z.string(), z.unknown())).optional().describe('What a check reports beside its answer, e.g. the OCSP responder certificate\'s notAfter'),
});

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
        const details: Record<string, Readonly<Record<string, unknown>>> = {};
        await Promise.all(
          Object.entries(deps.readiness ?? {}).map(async ([name, probe]) => {
            const answer = await probe().catch(() => false as const);
            checks[name] = typeof answer === 'boolean' ? answer : answer.ready;
            if (typeof answer !== 'boolean') details[name] = answer.details;
          }),
        );
        const ok = Object.values(checks).every(Boolean);
        return { status: ok ? 200 : 503, body: { status: ok ? 'ready' : 'unavailable', checks, ...(Object.keys(details).length > 0 ? { details } : {}) } };
      },
    }),
  ];
}

export function metricsRoutes(source: MetricsSource): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'getMetrics',
      summary: 'Request counts and latencies per operation and process figures (Prometheus text format), on the metrics listener',
      tags: ['operations'],
      responses: { 200: { description: 'Prometheus text exposition', contentType: 'text/plain; version=0.0.4' } },
      async handle() {
        return { contentType: source.contentType, body: await source.render() };
      },
    }),
  ];
}
