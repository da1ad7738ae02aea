// Personalise a card: the citizen, an online station and a reader with a
// blank card from the stock in it; then the job runs at the station and this
// console follows it live (./job.ts).
import { apiOptional } from '../api.js';
import { append, h, name, notice } from '../dom.js';
import { Form } from '../forms.js';
import { navigate, type PageContext } from '../router.js';
import type { Citizen } from '../types.js';
import { loadStations, NO_STATIONS, pickerError, readerPicker, startStationJob } from './station-work.js';

export async function personalisePage(ctx: PageContext): Promise<void> {
  const stations = await loadStations();
  if (stations === undefined) {
    append(ctx.body, notice('warning', NO_STATIONS));
    return;
  }
  const stock = await apiOptional<{ available: Array<{ serial: number }> }>('/v1/issuance/stock?limit=1000');
  const blank = new Set((stock?.available ?? []).map((c) => c.serial));
  const who = h('div', { class: 'lookup', 'aria-live': 'polite' });
  const pickerSlot = h('div');
  let picker = readerPicker(stations, { blankSerials: blank }, 'Station and reader with a blank card');
  pickerSlot.append(picker.el);
  const form = new Form({
    label: 'Personalise a card',
    submit: 'Start personalisation',
    errorFields: {
      citizen_not_found: 'nationalId',
      citizen_has_active_card: 'nationalId',
      citizen_invalid: 'nationalId',
    },
    async onSubmit(f) {
      const choice = picker.selected();
      if (choice === undefined) {
        pickerError(picker, 'Choose a reader with a blank card in it.');
        return;
      }
      try {
        const jobId = await startStationJob('/v1/issuance/personalisations', {
          stationId: choice.stationId,
          reader: choice.reader,
          nationalId: f.value('nationalId').trim(),
          ...(f.checked('signatureKey').length > 0 ? { signatureKey: true } : {}),
        });
        navigate(`/console/jobs/${encodeURIComponent(jobId)}`);
      } catch (e) {
        const code = (e as { code?: string }).code ?? '';
        if (/^(card_|reader_|station_|no_card|issuance_in_progress)/.test(code)) pickerError(picker, (e as Error).message);
        else throw e;
      }
    },
  });
  const nid = form.field({ name: 'nationalId', label: 'Citizen’s national ID', required: true, value: ctx.query.get('nationalId') ?? '', autofocus: true, spellcheck: false });
  const lookup = async (): Promise<void> => {
    who.textContent = '';
    const v = form.value('nationalId').replace(/[\s-]/g, '');
    if (v.length < 6) return;
    const r = await apiOptional<{ citizen: Citizen; activeCard: unknown }>(`/v1/issuance/citizens/${encodeURIComponent(v)}`).catch(() => undefined);
    if (!r) {
      append(who, h('p', { class: 'hint' }, 'No citizen with this national ID yet.'));
      return;
    }
    const c = r.citizen;
    append(who, 
      h('p', null, 'For ', name(`${c.surname} ${c.givenName}`, 'name-native'), ' · ', `${c.surnameLatin ?? ''} ${c.givenNameLatin ?? ''}`.trim()),
      r.activeCard ? h('p', { class: 'field-error' }, 'This citizen already holds a live card: replace it from the card’s page instead.') : null,
    );
  };
  form.input('nationalId')?.addEventListener('change', () => void lookup());
  const refresh = h('button', { type: 'button', class: 'button' }, 'Refresh the readers');
  refresh.addEventListener('click', () => {
    void loadStations().then((s) => {
      picker = readerPicker(s ?? [], { blankSerials: blank }, 'Station and reader with a blank card');
      pickerSlot.textContent = '';
      pickerSlot.append(picker.el);
    });
  });
  form.add(nid, who, pickerSlot, form.checkboxes('signatureKey', 'Keys', [['yes', 'Also a signature key (9C) for signing documents']]));
  form.addAction(refresh);
  append(ctx.body, 
    h('p', null, 'The citizen sits at the station. The station’s PIN pad asks them for the PIN they choose; the PIN never reaches this console or the service.'),
    h('section', { class: 'panel' }, form.el),
  );
  if (form.value('nationalId') !== '') await lookup();
}

