// BENCH_GC_LOG=<file> (bench:auth): every garbage collection of a process —
// label, pid, wall-clock start in ms since the epoch, duration in ms, kind —
// appended to one file, to lay beside BENCH_TIMELINE's latencies.
import { appendFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';

const kinds: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

export function logGc(file: string, label: string): void {
  new PerformanceObserver((list) => {
    const lines = list.getEntries().map((e) => {
      const kind = (e as unknown as { detail: { kind: number } }).detail.kind;
      return `${label},${process.pid},${(performance.timeOrigin + e.startTime).toFixed(2)},${e.duration.toFixed(2)},${kinds[kind] ?? 'other'}\n`;
    });
    appendFileSync(file, lines.join(''));
  }).observe({ entryTypes: ['gc'] });
}
