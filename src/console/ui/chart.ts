// A small stacked bar chart drawn as inline SVG by this script (no library,
// nothing fetched): one bar per hour, stacked by outcome. The same figures
// stand in a table beside it for screen readers and exact values.
import { svg } from './dom.js';

export interface Stack {
  readonly label: string;
  /** One value per series, in the order of `series`. */
  readonly values: readonly number[];
}

export function stackedBars(title: string, series: ReadonlyArray<{ readonly name: string; readonly cls: string }>, stacks: readonly Stack[]): SVGElement {
  const W = 640;
  const H = 220;
  const left = 40;
  const bottom = 28;
  const top = 12;
  const plotH = H - bottom - top;
  const plotW = W - left - 8;
  const total = (s: Stack): number => s.values.reduce((a, b) => a + b, 0);
  const max = Math.max(1, ...stacks.map(total));
  const nice = niceCeil(max);
  const slot = plotW / Math.max(1, stacks.length);
  const barW = Math.max(4, Math.min(36, slot * 0.6));
  const y = (v: number): number => top + plotH - (v / nice) * plotH;
  const desc = stacks.map((s) => `${s.label}: ${s.values.map((v, i) => `${v} ${series[i]?.name ?? ''}`).join(', ')}`).join('; ');
  return svg(
    'svg',
    { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc', width: W, height: H },
    svg('title', { id: 'chart-title' }, title),
    svg('desc', { id: 'chart-desc' }, desc || 'No authentications in this period.'),
    [0, 0.5, 1].map((f) => [
      svg('line', { class: 'chart-grid', x1: left, x2: W - 8, y1: y(nice * f), y2: y(nice * f) }),
      svg('text', { class: 'chart-axis', x: left - 6, y: y(nice * f) + 4, 'text-anchor': 'end' }, String(Math.round(nice * f))),
    ]),
    stacks.map((s, i) => {
      const x = left + i * slot + (slot - barW) / 2;
      let acc = 0;
      return [
        s.values.map((v, k) => {
          if (v <= 0) return null;
          const y0 = y(acc);
          acc += v;
          const y1 = y(acc);
          return svg('rect', { class: `chart-bar ${series[k]?.cls ?? ''}`, x, y: y1, width: barW, height: Math.max(1, y0 - y1) }, svg('title', null, `${s.label}: ${v} ${series[k]?.name ?? ''}`));
        }),
        i % 2 === (stacks.length - 1) % 2 || stacks.length <= 8 ? svg('text', { class: 'chart-axis', x: x + barW / 2, y: H - 10, 'text-anchor': 'middle' }, s.label) : null,
      ];
    }),
    svg('line', { class: 'chart-baseline', x1: left, x2: W - 8, y1: y(0), y2: y(0) }),
  );
}

/** The top of the scale: at least 2 and even, so the middle line is a whole number too. */
function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(2, v)));
  for (const m of [1, 2, 4, 6, 8, 10]) if (m * p >= v && (m * p) % 2 === 0) return m * p;
  return 10 * p;
}
