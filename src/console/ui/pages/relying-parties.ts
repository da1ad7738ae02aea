// Relying parties (admin): register one (its API secret is shown once), and
// for each: terminals, scopes, eKYC attributes and limits; rotate the RP-wide
// credential or issue a terminal's own key (shown once); end a key; disable
// or enable.
import { api, ApiError } from '../api.js';
import { append, badge, formatTime, h, link, notice, table } from '../dom.js';
import { actionButton, Form } from '../forms.js';
import { navigate, type PageContext } from '../router.js';
import { showSecretOnce } from '../secret.js';
import type { NewSecret, RelyingParty } from '../types.js';

const SCOPES = [
  ['auth', 'auth — card + PIN authentication'],
  ['ekyc', 'ekyc — identity attributes with consent'],
] as const;
const ATTRIBUTES = [
  ['surname', 'surname'],
  ['givenName', 'given name'],
  ['birthDate', 'date of birth'],
  ['nationalId', 'national ID'],
  ['country', 'country'],
] as const;

const terminalList = (s: string): string[] => s.split(/[\s,]+/).filter(Boolean);

function secretItems(c: NewSecret): Array<readonly [string, string]> {
  return [
    ['Key id', c.keyId],
    ['Secret', c.secret],
    ['Authorization header value', `Bearer ${c.token}`],
  ];
}

export async function relyingPartiesPage(ctx: PageContext): Promise<void> {
  const list = (await api<{ relyingParties: RelyingParty[] }>('GET', '/v1/staff/relying-parties')).relyingParties;
  const form = new Form({
    label: 'Register a relying party',
    submit: 'Register',
    errorFields: { rp_invalid: 'name' },
    async onSubmit(f) {
      const terminals = terminalList(f.value('terminals'));
      if (terminals.length === 0) {
        f.fieldError('terminals', 'Name at least one terminal.');
        return;
      }
      const rate = f.optional('rateLimitPerMinute');
      const trate = f.optional('terminalRatePerMinute');
      const r = await api<{ relyingParty: RelyingParty; credential: NewSecret }>('POST', '/v1/staff/relying-parties', {
        name: f.value('name').trim(),
        terminals,
        scopes: f.checked('scopes'),
        ekycAttributes: f.checked('ekycAttributes'),
        ...(rate ? { rateLimitPerMinute: Number(rate) } : {}),
        ...(trate ? { terminalRatePerMinute: Number(trate) } : {}),
      }).catch((e: unknown) => {
        if (e instanceof ApiError && e.code === 'rp_invalid' && /terminal/.test(e.message)) {
          f.fieldError('terminals', e.message);
          return undefined;
        }
        if (e instanceof ApiError && e.code === 'rp_invalid' && /scope|attribute/.test(e.message)) {
          f.fieldError(/attribute/.test(e.message) ? 'ekycAttributes' : 'scopes', e.message);
          return undefined;
        }
        throw e;
      });
      if (r === undefined) return;
      await showSecretOnce(`API credential of ${r.relyingParty.name}`, secretItems(r.credential), 'Give it to the relying party’s back end through its secret store; the service keeps only a keyed hash.');
      navigate(`/console/relying-parties/${encodeURIComponent(r.relyingParty.id)}`, { flash: `${r.relyingParty.name} is registered.` });
    },
  });
  form.add(
    form.field({ name: 'name', label: 'Name', required: true, maxlength: 200 }),
    form.field({ name: 'terminals', label: 'Terminal ids', required: true, hint: 'Separated by spaces or commas, e.g. atm-001 branch-12' }),
    form.checkboxes('scopes', 'Scopes', SCOPES, ['auth']),
    form.checkboxes('ekycAttributes', 'eKYC attributes (with the ekyc scope)', ATTRIBUTES),
    form.field({ name: 'rateLimitPerMinute', label: 'Requests per minute (whole RP)', type: 'number', hint: 'Empty: 6000' }),
    form.field({ name: 'terminalRatePerMinute', label: 'Requests per minute per terminal', type: 'number', hint: 'Empty: 60' }),
  );
  append(ctx.body, 
    ctx.flash ? notice('success', ctx.flash) : null,
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'rp-list' },
      h('h2', { id: 'rp-list' }, `Relying parties (${list.length})`),
      list.length === 0
        ? h('p', null, 'None registered yet.')
        : table(
            ['Name', 'State', 'Scopes', 'Terminals', 'Limits (per minute)'],
            list.map((rp) => [
              link(`/console/relying-parties/${encodeURIComponent(rp.id)}`, rp.name),
              rp.status === 'active' ? badge('active', 'ok') : badge('disabled', 'bad'),
              rp.scopes.join(', '),
              String(rp.terminals.length),
              `${rp.rateLimitPerMinute} / ${rp.terminalRatePerMinute} per terminal`,
            ]),
          ),
    ),
    h('section', { class: 'panel narrow', 'aria-labelledby': 'rp-add' }, h('h2', { id: 'rp-add' }, 'Register a relying party'), form.el),
  );
}

export async function relyingPartyPage(ctx: PageContext): Promise<void> {
  const id = ctx.params['id']!;
  const rp = (await api<{ relyingParties: RelyingParty[] }>('GET', '/v1/staff/relying-parties')).relyingParties.find((r) => r.id === id);
  if (rp === undefined) {
    append(ctx.body, notice('error', 'No such relying party.'));
    return;
  }
  ctx.heading(rp.name);
  const reload = (flash: string): void => navigate(`/console/relying-parties/${encodeURIComponent(id)}`, { flash, replace: true });
  const update = new Form({
    label: 'Change the registration',
    submit: 'Save changes',
    errorFields: { rp_invalid: 'addTerminals' },
    async onSubmit(f) {
      const body: Record<string, unknown> = {};
      const nameV = f.value('name').trim();
      if (nameV !== rp.name) body['name'] = nameV;
      const add = terminalList(f.value('addTerminals'));
      if (add.length) body['addTerminals'] = add;
      const remove = f.checked('removeTerminals');
      if (remove.length) body['removeTerminals'] = remove;
      const scopes = f.checked('scopes');
      if (scopes.join() !== [...rp.scopes].join()) body['scopes'] = scopes;
      const attrs = f.checked('ekycAttributes');
      if (attrs.join() !== [...rp.ekycAttributes].join()) body['ekycAttributes'] = attrs;
      const rate = Number(f.value('rateLimitPerMinute'));
      if (rate !== rp.rateLimitPerMinute) body['rateLimitPerMinute'] = rate;
      const trate = Number(f.value('terminalRatePerMinute'));
      if (trate !== rp.terminalRatePerMinute) body['terminalRatePerMinute'] = trate;
      if (Object.keys(body).length === 0) {
        f.fieldError(undefined, 'Nothing changed.');
        return;
      }
      await api('PATCH', `/v1/staff/relying-parties/${encodeURIComponent(id)}`, body);
      reload('The registration is changed. Every service process applies it within seconds.');
    },
  });
  update.add(
    update.field({ name: 'name', label: 'Name', required: true, value: rp.name, maxlength: 200 }),
    update.checkboxes('removeTerminals', 'Remove terminals (their keys are removed with them)', rp.terminals.map((t) => [t, t] as const)),
    update.field({ name: 'addTerminals', label: 'Add terminals', hint: 'Ids separated by spaces or commas' }),
    update.checkboxes('scopes', 'Scopes', SCOPES, rp.scopes),
    update.checkboxes('ekycAttributes', 'eKYC attributes', ATTRIBUTES, rp.ekycAttributes),
    update.field({ name: 'rateLimitPerMinute', label: 'Requests per minute (whole RP)', type: 'number', value: String(rp.rateLimitPerMinute), required: true }),
    update.field({ name: 'terminalRatePerMinute', label: 'Requests per minute per terminal', type: 'number', value: String(rp.terminalRatePerMinute), required: true }),
  );
  const keyForm = new Form({
    label: 'A key for one terminal',
    submit: 'Issue terminal key',
    errorFields: { rp_invalid: 'terminal', terminal_unknown: 'terminal' },
    async onSubmit(f) {
      const r = await api<{ terminal: string; credential: NewSecret }>('POST', `/v1/staff/relying-parties/${encodeURIComponent(id)}/terminal-keys`, { terminal: f.value('terminal') });
      await showSecretOnce(`Key of terminal ${r.terminal}`, secretItems(r.credential), 'Put it into that terminal’s secret store; it is refused for any other terminal.');
      reload(`Terminal ${r.terminal} has its own key.`);
    },
  });
  keyForm.add(keyForm.field({ name: 'terminal', label: 'Terminal', required: true, options: rp.terminals.map((t) => [t, t] as const) }));
  const now = Date.now();
  append(ctx.body, 
    ctx.flash ? notice('success', ctx.flash) : null,
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'Id'),
      h('dd', null, h('code', null, rp.id)),
      h('dt', null, 'State'),
      h('dd', null, rp.status === 'active' ? badge('active', 'ok') : badge('disabled', 'bad')),
      h('dt', null, 'Terminals'),
      h('dd', null, rp.terminals.join(', ')),
      h('dt', null, 'Registered'),
      h('dd', null, formatTime(rp.createdAt)),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'keys' },
      h('h2', { id: 'keys' }, 'API keys'),
      table(
        ['Key id', 'Speaks for', 'Created', 'Valid', ''],
        (rp.credentials ?? []).map((c) => {
          const ended = c.validUntil !== undefined && new Date(c.validUntil).getTime() <= now;
          return [
            h('code', null, c.keyId),
            c.terminal ? `terminal ${c.terminal}` : 'the whole RP',
            formatTime(c.createdAt),
            c.validUntil ? `${ended ? 'ended' : 'until'} ${formatTime(c.validUntil)}` : 'until rotated',
            ended
              ? ''
              : actionButton(
                  'End now',
                  async () => {
                    await api('POST', `/v1/staff/relying-parties/keys/${encodeURIComponent(c.keyId)}/revoke`, { reason: 'ended in the console' });
                    reload(`Key ${c.keyId} ended.`);
                  },
                  { kind: 'danger' },
                ),
          ];
        }),
      ),
      h(
        'div',
        { class: 'button-row' },
        actionButton('Rotate the RP-wide key', async () => {
          const r = await api<{ credential: NewSecret; previousValidUntil: string }>('POST', `/v1/staff/relying-parties/${encodeURIComponent(id)}/rotate`, {});
          await showSecretOnce(`New API credential of ${rp.name}`, secretItems(r.credential), `The previous RP-wide keys stay valid until ${formatTime(r.previousValidUntil)}.`);
          reload('The RP-wide key was rotated.');
        }),
        rp.status === 'active'
          ? actionButton(
              'Disable the relying party',
              async () => {
                await api('POST', `/v1/staff/relying-parties/${encodeURIComponent(id)}/disable`, { reason: 'disabled in the console' });
                reload(`${rp.name} is disabled: every call with its keys is refused.`);
              },
              { kind: 'danger' },
            )
          : actionButton('Enable again', async () => {
              await api('POST', `/v1/staff/relying-parties/${encodeURIComponent(id)}/enable`, { reason: 'enabled in the console' });
              reload(`${rp.name} is enabled again.`);
            }),
      ),
    ),
    h('div', { class: 'columns' }, h('section', { class: 'panel', 'aria-labelledby': 'rp-change' }, h('h2', { id: 'rp-change' }, 'Change the registration'), update.el), h('section', { class: 'panel narrow', 'aria-labelledby': 'rp-tkey' }, h('h2', { id: 'rp-tkey' }, 'A key for one terminal'), keyForm.el)),
    h('p', null, link('/console/relying-parties', 'All relying parties')),
  );
}
