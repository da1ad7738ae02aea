// Issuance stations (admin): which are online with which readers, add one
// (its key is shown once), rotate its key (shown once), disable it.
import { api } from '../api.js';
import { append, badge, when, h, notice, table } from '../dom.js';
import { actionButton, Form } from '../forms.js';
import { navigate, type PageContext } from '../router.js';
import { showSecretOnce } from '../secret.js';
import { loadStations, NO_STATIONS } from './station-work.js';

export async function stationsPage(ctx: PageContext): Promise<void> {
  const stations = await loadStations();
  if (stations === undefined) {
    append(ctx.body, notice('warning', NO_STATIONS));
    return;
  }
  const reload = (flash: string): void => navigate('/console/stations', { flash, replace: true });
  const form = new Form({
    label: 'Add a station',
    submit: 'Add station',
    errorFields: { station_exists: 'name', station_invalid: 'name' },
    async onSubmit(f) {
      const r = await api<{ id: string; name: string; key: string }>('POST', '/v1/stations', { name: f.value('name').trim() });
      await showSecretOnce(`Key of station ${r.name}`, [['Station key', r.key]], 'Put it into the station’s configuration now; the service keeps only its hash and cannot show it again.');
      reload(`Station ${r.name} added. It shows as online once it connects with its key.`);
    },
  });
  form.add(form.field({ name: 'name', label: 'Name', required: true, hint: 'Where it stands, e.g. “Phnom Penh office, desk 2”.', maxlength: 100 }));
  append(ctx.body, 
    ctx.flash ? notice('success', ctx.flash) : null,
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'stations-heading' },
      h('h2', { id: 'stations-heading' }, `Stations (${stations.filter((s) => s.online).length} of ${stations.length} online)`),
      stations.length === 0
        ? h('p', null, 'No station yet.')
        : table(
            ['Name', 'State', 'Last seen', 'Readers', 'Actions'],
            stations.map((s) => [
              s.name,
              [s.online ? badge('online', 'ok') : badge('offline', 'bad'), ' ', s.status],
              when(s.lastSeenAt ?? undefined),
              s.readers.length === 0 ? '—' : h('ul', { class: 'plain' }, s.readers.map((r) => h('li', null, `${r.name}: ${r.cardPresent ? `card ${r.cardSerial ?? ''}` : 'empty'}`))),
              h(
                'span',
                { class: 'decide' },
                actionButton('Rotate key', async () => {
                  const r = await api<{ key: string }>('POST', `/v1/stations/${encodeURIComponent(s.id)}/rotate`, {});
                  await showSecretOnce(`New key of station ${s.name}`, [['Station key', r.key]], 'The old key stops working; put this one into the station now.');
                  reload(`The key of ${s.name} was replaced.`);
                }),
                s.status === 'disabled'
                  ? null
                  : actionButton(
                      'Disable',
                      async () => {
                        await api('POST', `/v1/stations/${encodeURIComponent(s.id)}/disable`, {});
                        reload(`Station ${s.name} is disabled.`);
                      },
                      { kind: 'danger' },
                    ),
              ),
            ]),
          ),
    ),
    h('section', { class: 'panel narrow', 'aria-labelledby': 'add-station' }, h('h2', { id: 'add-station' }, 'Add a station'), form.el),
  );
}
