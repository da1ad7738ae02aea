// Request counts and latencies per operation, and the process's own figures,
// in a prom-client registry (Prometheus text exposition). With several
// service processes (node:cluster) every worker registers its registry for
// aggregation and the primary serves the sum across workers on the metrics
// listener (`serve`), so a scrape sees the whole service, not one worker.
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const BUCKETS_SECONDS = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] as const;

export class HttpMetrics {
  readonly registry = new Registry();
  readonly #requests = new Counter({
    name: 'cardauth_http_requests_total',
    help: 'HTTP requests by operation and status.',
    labelNames: ['operation', 'status'] as const,
    registers: [this.registry],
  });
  readonly #duration = new Histogram({
    name: 'cardauth_http_request_duration_seconds',
    help: 'Request duration by operation.',
    labelNames: ['operation'] as const,
    buckets: [...BUCKETS_SECONDS],
    registers: [this.registry],
  });

  constructor(opts: { readonly processMetrics?: boolean } = {}) {
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Gauges read from `read` at scrape time (one read serves every gauge of a
   * scrape). Each worker reports the same values, so the cluster sum takes the first.
   */
  addGauges(help: Readonly<Record<string, string>>, read: () => Promise<Readonly<Record<string, number>>>): void {
    let pending: Promise<Readonly<Record<string, number>>> | undefined;
    const once = (): Promise<Readonly<Record<string, number>>> => {
      pending ??= read().finally(() => setTimeout(() => (pending = undefined), 500).unref());
      return pending;
    };
    for (const [name, text] of Object.entries(help)) {
      new Gauge({
        name,
        help: text,
        registers: [this.registry],
        aggregator: 'first',
        async collect() {
          const v = (await once())[name];
          if (v !== undefined) this.set(v);
        },
      });
    }
  }

  observe(operationId: string, status: number, ms: number): void {
    this.#requests.inc({ operation: operationId, status: String(status) });
    this.#duration.observe({ operation: operationId }, ms / 1000);
  }

  /** This process's figures, as text. */
  async render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** In a cluster worker: offer this registry to the primary's aggregation. */
  shareWithPrimary(): void {
    // Constructing an aggregator is what makes a worker answer the primary's requests.
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([this.registry]);
  }
}

/** In the cluster primary: the sum of every worker's registry, as text. */
export function clusterMetrics(): { render(): Promise<string>; readonly contentType: string } {
  const aggregator = new AggregatorRegistry();
  return { render: async () => (await aggregator.clusterMetrics()) as string, contentType: aggregator.contentType };
}
