// The blank-card stock: how many cards are available, reserved, issued or
// rejected, which are available, the blank cards in each station's readers
// now, and taking a new blank card into stock at a station (its serial and
// attestation read from the card itself).
import { api } from '../api.js';
import { append, when, h, notice, table } from '../dom.js';
import { Form } from '../forms.js';
import { navigate, type PageContext } from '../router.js';
import { can } from '../session.js';
import type { Station } from '../types.js';
import { loadStations, pickerError, readerPicker, startStationJob } from './station-work.js';

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
    stations !== undefined && can(ctx.me, 'stock.receive') ? receivePanel(stations, blank) : null,
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'available' },
      h('h2', { id: 'available' }, `Available for personalisation (${stock.available.length})`),
      stock.available.length === 0 ? h('p', null, 'The stock is empty.') : table(['Serial', 'Manufacturer', 'Received'], stock.available.map((c) => [String(c.serial), c.manufacturer, when(c.receivedAt)])),
    ),
  );
}

function receivePanel(stations: readonly Station[], inStock: ReadonlySet<number>): HTMLElement {
  // Readers holding a card that is not in the stock yet.
  const fresh = stations.map((s) => ({ ...s, readers: s.readers.filter((r) => r.cardPresent && (r.cardSerial === undefined || !inStock.has(Number(r.cardSerial)))) }));
  const picker = readerPicker(fresh, {}, 'Reader with the new blank card');
  const form = new Form({
    label: 'Take a blank card into stock',
    submit: 'Take into stock',
    async onSubmit(f) {
      const choice = picker.selected();
      if (choice === undefined) {
        pickerError(picker, 'Choose a reader with the new card in it.');
        return;
      }
      const jobId = await startStationJob('/v1/issuance/stock', { stationId: choice.stationId, reader: choice.reader, ...(f.optional('manufacturer') ? { manufacturer: f.optional('manufacturer') } : {}) });
      navigate(`/console/jobs/${encodeURIComponent(jobId)}`);
    },
  });
  form.add(picker.el, form.field({ name: 'manufacturer', label: 'Manufacturer (optional)', maxlength: 100 }));
  return h('section', { class: 'panel', 'aria-labelledby': 'receive' }, h('h2', { id: 'receive' }, 'Take a blank card into stock'), form.el);
}
