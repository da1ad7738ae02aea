// The blank-card stock: how many cards are available, reserved, issued or
// rejected, which are available, and the blank cards in each station's
// readers now.
import { api } from '../api.js';
import { append, when, h, notice, table } from '../dom.js';
import type { PageContext } from '../router.js';
import { loadStations } from './station-work.js';

export async function stockPage(ctx: PageContext): Promise<void> {
  const [stock, stations] = await Promise.all([
    api<{ counts: Record<string, number>; available: Array<{ serial: number; manufacturer: string; receivedAt: string }> }>('GET', '/v1/issuance/stock?limit=1000'),
    loadStations().catch(() => undefined),
  ]);
  const blank = new Set(stock.available.map((c) => c.serial));
  append(ctx.body, 
    h(
      'div',
      { class: 'tiles' },
      ['available', 'reserved', 'issued', 'rejected'].map((s) => h('section', { class: 'tile', 'aria-label': s }, h('p', { class: 'tile-label' }, s), h('p', { class: 'tile-value' }, String(stock.counts[s] ?? 0)))),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'per-station' },
      h('h2', { id: 'per-station' }, 'Blank cards at each station now'),
      stations === undefined
        ? notice('info', 'No station service on this server: cards are taken into stock at a station with cardauth stock receive.')
        : table(
            ['Station', 'Online', 'Blank cards in its readers'],
            stations.map((s) => {
              const here = s.readers.filter((r) => r.cardPresent && r.cardSerial !== undefined && blank.has(Number(r.cardSerial)));
              return [s.name, s.online ? 'yes' : 'no', here.length === 0 ? '0' : `${here.length}: ${here.map((r) => `${r.cardSerial} (${r.name})`).join(', ')}`];
            }),
          ),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'available' },
      h('h2', { id: 'available' }, `Available for personalisation (${stock.available.length})`),
      stock.available.length === 0 ? h('p', null, 'The stock is empty.') : table(['Serial', 'Manufacturer', 'Received'], stock.available.map((c) => [String(c.serial), c.manufacturer, when(c.receivedAt)])),
    ),
  );
}
