// The dashboard: cards issued today, authentications per relying party and
// outcome over the last hours (a chart and its table), stations online,
// pending approvals.
import { api, apiOptional } from '../api.js';
import { stackedBars } from '../chart.js';
import { append, h, link, table } from '../dom.js';
import type { PageContext } from '../router.js';
import { can } from '../session.js';
import type { Station } from '../types.js';

interface Dashboard {
  readonly cardsIssued: number;
  readonly pendingApprovals: number;
  readonly authentications: {
    readonly hours: readonly string[];
    readonly series: ReadonlyArray<{ readonly rpId: string; readonly rpName: string; readonly outcome: 'succeeded' | 'refused' | 'failed'; readonly counts: readonly number[] }>;
  };
}

const OUTCOMES = [
  { key: 'succeeded', name: 'succeeded', cls: 'ok' },
  { key: 'refused', name: 'refused', cls: 'refused' },
  { key: 'failed', name: 'failed (service)', cls: 'failed' },
] as const;

function tile(label: string, value: string | number, extra?: Node | null): HTMLElement {
  return h('section', { class: 'tile', 'aria-label': label }, h('p', { class: 'tile-label' }, label), h('p', { class: 'tile-value' }, String(value)), extra ?? null);
}

export async function dashboardPage(ctx: PageContext): Promise<void> {
  ctx.heading(`Good ${new Date().getHours() < 12 ? 'morning' : new Date().getHours() < 18 ? 'afternoon' : 'evening'}, ${ctx.me.displayName}`);
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  const [d, stations] = await Promise.all([
    api<Dashboard>('GET', `/v1/staff/dashboard?${new URLSearchParams({ since: midnight.toISOString(), hours: '12' }).toString()}`),
    apiOptional<{ stations: Station[] }>('/v1/stations').catch(() => undefined),
  ]);
  const online = stations?.stations.filter((s) => s.online).length;
  append(ctx.body, 
    h(
      'div',
      { class: 'tiles' },
      tile('Cards issued today', d.cardsIssued),
      tile('Authentications, last 12 hours', d.authentications.series.reduce((a, s) => a + s.counts.reduce((x, y) => x + y, 0), 0)),
      tile('Stations online', stations === undefined ? '—' : `${online} of ${stations.stations.length}`, stations === undefined ? h('p', { class: 'hint' }, 'No station service on this server') : null),
      tile('Pending approvals', d.pendingApprovals, can(ctx.me, 'approval.read') ? h('p', null, link('/console/approvals', 'Open the queue')) : null),
    ),
  );
  const hours = d.authentications.hours;
  const stacks = hours.map((iso, i) => ({
    label: new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }),
    values: OUTCOMES.map((o) => d.authentications.series.filter((s) => s.outcome === o.key).reduce((a, s) => a + (s.counts[i] ?? 0), 0)),
  }));
  const byRp = new Map<string, { name: string; counts: Record<string, number> }>();
  for (const s of d.authentications.series) {
    const e = byRp.get(s.rpId) ?? { name: s.rpName, counts: {} };
    e.counts[s.outcome] = (e.counts[s.outcome] ?? 0) + s.counts.reduce((a, b) => a + b, 0);
    byRp.set(s.rpId, e);
  }
  append(ctx.body, 
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'auth-heading' },
      h('h2', { id: 'auth-heading' }, 'Card + PIN authentications by hour'),
      h('div', { class: 'legend' }, OUTCOMES.map((o) => h('span', { class: 'legend-item' }, h('span', { class: `swatch ${o.cls}`, 'aria-hidden': 'true' }), o.name))),
      stackedBars('Authentications per hour, by outcome', OUTCOMES, stacks),
      byRp.size === 0
        ? h('p', { class: 'hint' }, 'No authentications in the last 12 hours.')
        : table(
            ['Relying party', ...OUTCOMES.map((o) => o.name)],
            [...byRp.values()].map((e) => [e.name, ...OUTCOMES.map((o) => String(e.counts[o.key] ?? 0))]),
            'Per relying party, last 12 hours',
          ),
    ),
  );
}
