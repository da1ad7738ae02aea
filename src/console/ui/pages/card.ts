// One card: its holder, status and certificates, and what the signed-in
// role may do with it — suspend, resume, revoke with a reason (supervisor);
// ask for and use a four-eyes approval; at a station: activate at
// hand-over, unblock the PIN, reset the PIN (approved), replace (officer).
import { api, ApiError } from '../api.js';
import { append, badge, formatDate, formatTime, h, when, link, name, notice, table } from '../dom.js';
import { Form } from '../forms.js';
import { navigate, type PageContext } from '../router.js';
import { can, type Me } from '../session.js';
import { revocationReasons, type Approval, type Card, type Citizen, type Station } from '../types.js';
import { cardStatusBadge } from './citizens.js';
import { loadStations, NO_STATIONS, pickerError, readerPicker, startStationJob } from './station-work.js';

const LIVE = ['active', 'hold', 'pending_activation'];

export async function cardPage(ctx: PageContext): Promise<void> {
  const serial = ctx.params['serial']!;
  if (!/^\d{1,10}$/.test(serial)) {
    append(ctx.body, notice('error', 'A card serial is a number.'));
    return;
  }
  let card: Card;
  try {
    card = await api<Card>('GET', `/v1/issuance/cards/${serial}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      append(ctx.body, notice('error', `No issued card ${serial}.`));
      return;
    }
    throw e;
  }
  ctx.heading(`Card ${card.serial}`);
  const holder = await api<{ citizen: Citizen }>('GET', `/v1/issuance/cards/${serial}/citizen`).then(
    (r) => r.citizen,
    () => undefined,
  );
  const mine = can(ctx.me, 'approval.read')
    ? (await api<{ approvals: Approval[] }>('GET', '/v1/staff/approvals?limit=200')).approvals.filter((a) => a.subject === String(card.serial))
    : [];
  const reload = (flash: string): void => navigate(`/console/cards/${card.serial}`, { flash, replace: true });
  append(ctx.body, 
    ctx.flash ? notice('success', ctx.flash) : null,
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'Status'),
      h('dd', null, cardStatusBadge(card.status)),
      h('dt', null, 'Holder'),
      h(
        'dd',
        null,
        holder
          ? [link(`/console/citizens/${encodeURIComponent(holder.nationalId)}`, holder.nationalId), ' · ', name(`${holder.surname} ${holder.givenName}`, 'name-native'), ' · ', `${holder.surnameLatin ?? ''} ${holder.givenNameLatin ?? ''}`.trim()]
          : '—',
      ),
      h('dt', null, 'Issued'),
      h('dd', null, formatTime(card.issuedAt)),
      h('dt', null, 'Expires'),
      h('dd', null, formatDate(card.expiresAt)),
      card.replacesSerial ? [h('dt', null, 'Replaces'), h('dd', null, link(`/console/cards/${card.replacesSerial}`, String(card.replacesSerial)))] : null,
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'certs-heading' },
      h('h2', { id: 'certs-heading' }, 'Certificates'),
      table(
        ['Key', 'Serial', 'Status', 'Changed', 'Valid until'],
        card.certificates.map((c) => [
          c.slot === '9a' ? 'Authentication (9A)' : c.slot === '9c' ? 'Signature (9C)' : c.slot,
          h('code', null, c.serialHex),
          [badge(c.status, c.status === 'good' ? 'ok' : c.status === 'hold' ? 'warn' : 'bad'), c.revocationReason ? ` ${c.revocationReason}` : ''],
          formatTime(c.statusChangedAt),
          formatDate(c.notAfter),
        ]),
      ),
    ),
  );
  const actions = h('div', { class: 'actions-grid' });
  append(ctx.body, h('h2', null, 'Actions'), actions);
  const live = LIVE.includes(card.status);
  let any = false;
  const add = (el: HTMLElement): void => {
    any = true;
    actions.append(el);
  };

  if (can(ctx.me, 'card.suspend') && card.status === 'active') add(noteAction('Suspend the card', 'Suspend', 'suspend', card, () => reload('The card is suspended: it cannot authenticate until resumed.')));
  if (can(ctx.me, 'card.resume') && card.status === 'hold') add(noteAction('Resume the card', 'Resume', 'resume', card, () => reload('The card is active again.')));
  if (can(ctx.me, 'card.revoke') && live) add(revokePanel(card, mine, ctx.me, () => reload('The card is revoked. This cannot be undone.')));
  if (can(ctx.me, 'approval.request') && live) add(approvalRequestPanel(card, mine, ctx.me, () => reload('Your request waits for a supervisor’s decision.')));

  const stationActions: Array<[perm: string, title: string, path: string, when: boolean, extra?: (f: Form) => Record<string, unknown> | undefined, fields?: (f: Form) => HTMLElement[]]> = [
    ['card.activate', 'Activate at hand-over', 'activate', card.status === 'pending_activation'],
    ['card.unblock-pin', 'Unblock the PIN (the citizen’s PUK)', 'unblock-pin', card.status === 'active' || card.status === 'hold'],
    ['card.replace', 'Replace the card', 'replace', live],
  ];
  const approvedResets = mine.filter((a) => a.action === 'pin-reset' && a.state === 'approved' && a.requestedBy === ctx.me.staffId);
  if (can(ctx.me, 'card.staff-reset') && live && approvedResets.length > 0) {
    stationActions.push([
      'card.staff-reset',
      'Reset the PIN (approved)',
      'reset-pin',
      true,
      (f) => ({ approvalId: f.value('approvalId') }),
      (f) => [f.field({ name: 'approvalId', label: 'Approval', required: true, options: approvedResets.map((a) => [a.id, `approved by ${a.decidedByName ?? a.decidedBy} · ${formatTime(a.createdAt)}`] as const) })],
    ]);
  }
  const wanted = stationActions.filter(([perm, , , when]) => can(ctx.me, perm) && when);
  if (wanted.length > 0) {
    const stations = await loadStations().catch(() => undefined);
    for (const [, title, path, , extra, fields] of wanted) add(stationPanel(title, path, card, stations, extra, fields));
  }
  if (!any) actions.append(h('p', { class: 'whole-row' }, live ? 'Your role has no action on this card.' : `The card is ${card.status.replace('_', ' ')}: nothing more can be done with it.`));
}

function noteAction(title: string, verb: string, path: string, card: Card, done: () => void): HTMLElement {
  const form = new Form({
    label: title,
    submit: verb,
    async onSubmit(f) {
      await api('POST', `/v1/issuance/cards/${card.serial}/${path}`, { ...(f.optional('note') ? { note: f.optional('note') } : {}) });
      done();
    },
  });
  form.add(form.field({ name: 'note', label: 'Note (optional)', maxlength: 500, hint: 'Why, for the audit log.' }));
  return h('section', { class: 'panel action-panel', 'aria-label': title }, h('h3', null, title), form.el);
}

function revokePanel(card: Card, approvals: readonly Approval[], me: Me, done: () => void): HTMLElement {
  const granted = approvals.filter((a) => a.action === 'revoke-key-compromise' && a.state === 'approved' && a.requestedBy === me.staffId);
  const form = new Form({
    label: 'Revoke the card',
    submit: 'Revoke',
    danger: true,
    errorFields: { lifecycle_reason_invalid: 'reason', lifecycle_approval_required: 'reason', certificate_revoked_final: 'reason' },
    async onSubmit(f) {
      if (f.checked('confirm').length === 0) {
        f.fieldError('confirm', 'Confirm that the revocation is permanent.');
        return;
      }
      const reason = f.value('reason');
      const approvalId = f.optional('approvalId');
      await api('POST', `/v1/issuance/cards/${card.serial}/revoke`, {
        reason,
        ...(approvalId && reason === 'keyCompromise' ? { approvalId } : {}),
        ...(f.optional('note') ? { note: f.optional('note') } : {}),
      });
      done();
    },
  });
  form.add(
    form.field({ name: 'reason', label: 'Reason', required: true, value: 'unspecified', options: revocationReasons.map((r) => [r, r] as const), hint: 'keyCompromise needs a second staff member’s approval.' }),
    granted.length > 0 ? form.field({ name: 'approvalId', label: 'Approval for keyCompromise', options: [['', '—'], ...granted.map((a) => [a.id, `approved by ${a.decidedByName ?? ''}`] as const)] }) : null,
    form.field({ name: 'note', label: 'Note (optional)', maxlength: 500 }),
    form.checkboxes('confirm', 'Permanent', [['yes', 'I understand: a revoked card never works again']]),
  );
  return h('section', { class: 'panel action-panel', 'aria-label': 'Revoke the card' }, h('h3', null, 'Revoke the card'), form.el);
}

function approvalRequestPanel(card: Card, approvals: readonly Approval[], me: Me, done: () => void): HTMLElement {
  const form = new Form({
    label: 'Ask for an approval',
    submit: 'Ask a supervisor',
    async onSubmit(f) {
      await api('POST', '/v1/staff/approvals', { action: f.value('action'), subject: String(card.serial), ...(f.optional('reason') ? { reason: f.optional('reason') } : {}) });
      done();
    },
  });
  form.add(
    form.field({ name: 'action', label: 'What', required: true, options: [['pin-reset', 'PIN reset (the PUK is lost)'], ['revoke-key-compromise', 'Revoke for key compromise']] }),
    form.field({ name: 'reason', label: 'Why', maxlength: 500, hint: 'The supervisor reads this.' }),
  );
  const own = approvals.filter((a) => a.requestedBy === me.staffId);
  return h(
    'section',
    { class: 'panel action-panel', 'aria-label': 'Four-eyes approval' },
    h('h3', null, 'Four-eyes approval'),
    own.length > 0
      ? table(
          ['Asked', 'What', 'State'],
          own.map((a) => [when(a.createdAt), a.action === 'pin-reset' ? 'PIN reset' : 'revoke, key compromise', [badge(a.state, a.state === 'approved' ? 'ok' : a.state === 'pending' ? 'warn' : 'bad'), a.decidedByName ? ` by ${a.decidedByName}` : '']]),
          'Your requests for this card',
        )
      : null,
    form.el,
  );
}

function stationPanel(
  title: string,
  path: string,
  card: Card,
  stations: Station[] | undefined,
  extra?: (f: Form) => Record<string, unknown> | undefined,
  fields?: (f: Form) => HTMLElement[],
): HTMLElement {
  const panel = h('section', { class: 'panel action-panel', 'aria-label': title, id: path === 'activate' ? 'activate' : null }, h('h3', null, title));
  if (stations === undefined) {
    panel.append(h('p', { class: 'hint' }, NO_STATIONS));
    return panel;
  }
  // Replacing takes a new blank card; the other actions need this card in the reader.
  const picker = readerPicker(stations, path === 'replace' ? {} : { serial: card.serial }, path === 'replace' ? 'Reader with the new blank card' : `Reader with card ${card.serial} in it`);
  const form = new Form({
    label: title,
    submit: 'Start at the station',
    async onSubmit(f) {
      const choice = picker.selected();
      if (choice === undefined) {
        pickerError(picker, 'Choose a reader with the card in it.');
        return;
      }
      try {
        const jobId = await startStationJob(`/v1/issuance/cards/${card.serial}/${path}`, { stationId: choice.stationId, reader: choice.reader, ...(extra?.(f) ?? {}) });
        navigate(`/console/jobs/${encodeURIComponent(jobId)}`);
      } catch (e) {
        const code = (e as { code?: string }).code ?? '';
        if (/^(card_|reader_|station_|no_card)/.test(code)) pickerError(picker, (e as Error).message);
        else throw e;
      }
    },
  });
  form.add(...(fields?.(form) ?? []), picker.el);
  panel.append(form.el);
  return panel;
}
