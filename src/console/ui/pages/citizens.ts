// Citizens: find them (by surname in either script, or national ID) and
// their cards, enrol a new one with the name in the national script and in
// Latin letters, and see one citizen's record and cards.
import { api, ApiError, apiOptional } from '../api.js';
import { append, badge, formatDate, h, link, name, notice, table } from '../dom.js';
import { Form } from '../forms.js';
import { navigate, type PageContext } from '../router.js';
import { can } from '../session.js';
import type { Card, CardSummary, Citizen } from '../types.js';

const NATIONAL_ID = /^[A-Za-z0-9\s-]{6,24}$/;

export function cardStatusBadge(status: string): HTMLElement {
  const kind = status === 'active' ? 'ok' : status === 'hold' || status === 'pending_activation' ? 'warn' : 'bad';
  return badge(status.replace('_', ' '), kind);
}

export function citizenNames(c: Citizen): HTMLElement {
  return h(
    'span',
    { class: 'names' },
    name(`${c.surname} ${c.givenName}`, 'name-native'),
    c.surnameLatin || c.givenNameLatin ? h('span', { class: 'name-latin' }, `${c.surnameLatin ?? ''} ${c.givenNameLatin ?? ''}`.trim()) : null,
  );
}

export async function citizensPage(ctx: PageContext): Promise<void> {
  const q = ctx.query.get('q')?.trim() ?? '';
  const results = h('div', { 'aria-live': 'polite' });
  const search = new Form({
    label: 'Find a citizen',
    submit: 'Find',
    async onSubmit(f) {
      const v = f.value('q').trim();
      navigate(`/console/citizens?${new URLSearchParams({ q: v }).toString()}`);
    },
  });
  search.add(search.field({ name: 'q', label: 'Surname (Khmer or Latin) or national ID', type: 'search', value: q, required: true, autofocus: true, hint: 'The start of a surname is enough.' }));
  const cardForm = new Form({
    label: 'Find a card',
    submit: 'Open card',
    async onSubmit(f) {
      const serial = f.value('serial').trim();
      if (!/^\d{1,10}$/.test(serial)) {
        f.fieldError('serial', 'A card serial is a number, as printed on the card.');
        return;
      }
      await api('GET', `/v1/issuance/cards/${serial}`);
      navigate(`/console/cards/${serial}`);
    },
    errorFields: { card_not_found: 'serial' },
  });
  cardForm.add(cardForm.field({ name: 'serial', label: 'Card serial', inputmode: 'numeric', required: true }));
  append(ctx.body, 
    ctx.flash ? notice('success', ctx.flash) : null,
    h('div', { class: 'columns' }, h('section', { class: 'panel' }, search.el, results), h('section', { class: 'panel narrow' }, h('h2', null, 'Cards'), cardForm.el)),
    can(ctx.me, 'citizen.enrol') ? h('p', null, link('/console/citizens/new', 'Enrol a new citizen')) : null,
  );
  if (q === '') return;
  const found: Citizen[] = [];
  const compact = q.replace(/[\s-]/g, '');
  if (NATIONAL_ID.test(q) && /\d/.test(compact)) {
    const one = await apiOptional<{ citizen: Citizen }>(`/v1/issuance/citizens/${encodeURIComponent(compact)}`).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 400) return undefined;
      throw e;
    });
    if (one) found.push(one.citizen);
  }
  if (found.length === 0) {
    const r = await api<{ citizens: Citizen[] }>('GET', `/v1/issuance/citizens?${new URLSearchParams({ surname: q, limit: '50' }).toString()}`);
    found.push(...r.citizens);
  }
  results.append(
    found.length === 0
      ? h('p', { role: 'status' }, `Nobody found for “${q}”.`)
      : table(
          ['National ID', 'Name', 'Born'],
          found.map((c) => [link(`/console/citizens/${encodeURIComponent(c.nationalId)}`, c.nationalId), citizenNames(c), formatDate(c.birthDate)]),
          `${found.length} found`,
        ),
  );
}

export function enrolPage(ctx: PageContext): void {
  const form = new Form({
    label: 'Enrol a citizen',
    submit: 'Enrol',
    errorFields: { citizen_exists: 'nationalId' },
    async onSubmit(f) {
      const body = {
        nationalId: f.value('nationalId').trim(),
        surname: f.value('surname').trim(),
        givenName: f.value('givenName').trim(),
        surnameLatin: f.value('surnameLatin').trim().toUpperCase(),
        givenNameLatin: f.value('givenNameLatin').trim().toUpperCase(),
        birthDate: f.value('birthDate').trim(),
      };
      const c = await api<Citizen>('POST', '/v1/issuance/citizens', body);
      navigate(`/console/citizens/${encodeURIComponent(c.nationalId)}`, { flash: `Enrolled ${c.surnameLatin ?? c.surname} ${c.givenNameLatin ?? c.givenName} (${c.nationalId}).` });
    },
  });
  form.add(
    form.field({ name: 'nationalId', label: 'National ID', required: true, autofocus: true, hint: '6 to 20 letters A–Z or digits.', maxlength: 24, spellcheck: false }),
    h(
      'fieldset',
      { class: 'group' },
      h('legend', null, 'Name in Khmer script'),
      form.field({ name: 'surname', label: 'Surname', required: true, lang: 'km', maxlength: 64 }),
      form.field({ name: 'givenName', label: 'Given name', required: true, lang: 'km', maxlength: 64 }),
    ),
    h(
      'fieldset',
      { class: 'group' },
      h('legend', null, 'Name in Latin letters'),
      h('p', { class: 'hint' }, 'As in the passport: A–Z, spaces, hyphens, apostrophes. Printed on the card and used where Khmer script cannot be shown.'),
      form.field({ name: 'surnameLatin', label: 'Surname (Latin)', required: true, maxlength: 64, spellcheck: false }),
      form.field({ name: 'givenNameLatin', label: 'Given name (Latin)', required: true, maxlength: 64, spellcheck: false }),
    ),
    form.field({ name: 'birthDate', label: 'Date of birth', type: 'date', required: true }),
  );
  append(ctx.body, h('section', { class: 'panel narrow' }, form.el));
}

export async function citizenPage(ctx: PageContext): Promise<void> {
  const nid = ctx.params['nid']!;
  let r: { citizen: Citizen; activeCard: Card | null };
  try {
    r = await api('GET', `/v1/issuance/citizens/${encodeURIComponent(nid)}`);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 400)) {
      append(ctx.body, notice('error', e.message));
      return;
    }
    throw e;
  }
  const c = r.citizen;
  ctx.heading(`${c.surnameLatin ?? c.surname} ${c.givenNameLatin ?? c.givenName}`.trim());
  const cards = await api<{ cards: CardSummary[] }>('GET', `/v1/issuance/citizens/${encodeURIComponent(c.nationalId)}/cards`).catch(() => ({ cards: [] as CardSummary[] }));
  append(ctx.body, 
    ctx.flash ? notice('success', ctx.flash) : null,
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'National ID'),
      h('dd', null, c.nationalId),
      h('dt', null, 'Name (Khmer)'),
      h('dd', null, name(`${c.surname} ${c.givenName}`, 'name-native')),
      h('dt', null, 'Name (Latin)'),
      h('dd', null, c.surnameLatin || c.givenNameLatin ? `${c.surnameLatin ?? ''} ${c.givenNameLatin ?? ''}`.trim() : '—'),
      h('dt', null, 'Date of birth'),
      h('dd', null, formatDate(c.birthDate)),
      h('dt', null, 'Country'),
      h('dd', null, c.country),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'cards-heading' },
      h('h2', { id: 'cards-heading' }, 'Cards'),
      cards.cards.length === 0
        ? h('p', null, 'No card issued yet.')
        : table(
            ['Serial', 'Status', 'Issued', 'Expires'],
            [...cards.cards].reverse().map((k) => [link(`/console/cards/${k.serial}`, String(k.serial)), cardStatusBadge(k.status), formatDate(k.issuedAt), formatDate(k.expiresAt)]),
          ),
      r.activeCard === null && can(ctx.me, 'card.personalise')
        ? h('p', null, link(`/console/personalise?${new URLSearchParams({ nationalId: c.nationalId }).toString()}`, 'Personalise a card for this citizen'))
        : null,
    ),
  );
}
