// Prometheus text exposition of request counts and latencies per route.
// Kept deliberately small: counters and a fixed-bucket histogram.
const BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500] as const;

interface Series {
  count: number;
  sumMs: number;
  buckets: number[];
}

export class HttpMetrics {
  private readonly byRoute = new Map<string, Series>();
  private readonly byStatus = new Map<string, number>();

  observe(operationId: string, status: number, ms: number): void {
    let s = this.byRoute.get(operationId);
    if (!s) {
      s = { count: 0, sumMs: 0, buckets: BUCKETS_MS.map(() => 0) };
      this.byRoute.set(operationId, s);
    }
    s.count++;
    s.sumMs += ms;
    for (let i = 0; i < BUCKETS_MS.length; i++) if (ms <= BUCKETS_MS[i]!) s.buckets[i]!++;
    const k = `${operationId}\u0000${status}`;
    this.byStatus.set(k, (this.byStatus.get(k) ?? 0) + 1);
  }

  render(extra: Readonly<Record<string, number>> = {}): string {
    const out: string[] = [
      '# HELP cardauth_http_requests_total HTTP requests by operation and status.',
      '# TYPE cardauth_http_requests_total counter',
    ];
    for (const [k, n] of this.byStatus) {
      const [op, status] = k.split('\u0000');
      out.push(`cardauth_http_requests_total{operation="${op}",status="${status}"} ${n}`);
    }
    out.push(
      '# HELP cardauth_http_request_duration_ms Request duration by operation.',
      '# TYPE cardauth_http_request_duration_ms histogram',
    );
    for (const [op, s] of this.byRoute) {
      BUCKETS_MS.forEach((b, i) => out.push(`cardauth_http_request_duration_ms_bucket{operation="${op}",le="${b}"} ${s.buckets[i]}`));
      out.push(`cardauth_http_request_duration_ms_bucket{operation="${op}",le="+Inf"} ${s.count}`);
      out.push(`cardauth_http_request_duration_ms_sum{operation="${op}"} ${s.sumMs.toFixed(3)}`);
      out.push(`cardauth_http_request_duration_ms_count{operation="${op}"} ${s.count}`);
    }
    for (const [name, v] of Object.entries(extra)) out.push(`${name} ${v}`);
    return out.join('\n') + '\n';
  }
}
