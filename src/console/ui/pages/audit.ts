// The audit log: every change, who made it and when, newest first; filter
// by subject, actor or action; and verify the hash chain from the first
// entry, which shows the head it verified (note it elsewhere to check later
// that the chain was not rewritten).
import { api } from '../api.js';
import { append, when, h, link, notice, table } from '../dom.js';
import { Form } from '../forms.js';
import { navigate, type PageContext } from '../router.js';
import { can } from '../session.js';
import type { AuditEntry } from '../types.js';

type Verification =
  | { ok: true; entries: number; headSeq: number; headHash: string }
  | { ok: false; entries: number; problem: string; seq: number; message: string };

const FILTERS = ['subject', 'actor', 'action'] as const;

function dataText(d: unknown): string {
  const s = JSON.stringify(d);
  return s === '{}' || s === undefined ? '' : s.length > 160 ? `${s.slice(0, 157)}…` : s;
}

export async function auditPage(ctx: PageContext): Promise<void> {
  const q = new URLSearchParams();
  for (const k of [...FILTERS, 'before'] as const) {
    const v = ctx.query.get(k);
    if (v) q.set(k, v);
  }
  q.set('limit', '50');
  const page = await api<{ entries: AuditEntry[]; next?: number }>('GET', `/v1/staff/audit?${q.toString()}`);
  const filter = new Form({
    label: 'Filter the audit log',
    submit: 'Filter',
    async onSubmit(f) {
      const n = new URLSearchParams();
      for (const k of FILTERS) if (f.optional(k)) n.set(k, f.optional(k)!);
      navigate(`/console/audit${n.size ? `?${n.toString()}` : ''}`);
    },
  });
  filter.add(
    h(
      'div',
      { class: 'inline-fields' },
      filter.field({ name: 'subject', label: 'Subject', value: ctx.query.get('subject') ?? '', hint: 'e.g. card:62000001' }),
      filter.field({ name: 'actor', label: 'Actor', value: ctx.query.get('actor') ?? '', hint: 'e.g. staff:<id>' }),
      filter.field({ name: 'action', label: 'Action starts with', value: ctx.query.get('action') ?? '', hint: 'e.g. card.' }),
    ),
  );
  const result = h('div', { 'aria-live': 'polite' });
  const verify = new Form({
    label: 'Verify the chain',
    submit: 'Verify the chain',
    async onSubmit(f) {
      result.textContent = '';
      const expectHead = f.optional('expectHead');
      const v = await api<Verification>('POST', '/v1/staff/audit/verify', expectHead ? { expectHead } : {});
      result.append(
        v.ok
          ? notice('success', h('strong', null, 'Chain verified. '), `${v.entries} entries from the first to the head; nothing changed, removed or reordered. Head `, h('code', { class: 'head' }, `${v.headSeq}:${v.headHash}`))
          : notice('error', h('strong', null, `Chain BROKEN at entry ${v.seq} (${v.problem}). `), v.message, ` ${v.entries} entries before it verified.`),
      );
    },
    errorFields: { invalid_request: 'expectHead' },
  });
  verify.add(verify.field({ name: 'expectHead', label: 'Head noted earlier (optional)', hint: '<seq>:<hash> as shown by an earlier verification', spellcheck: false }));
  const older = new URLSearchParams(q);
  older.delete('limit');
  if (page.next) older.set('before', String(page.next));
  append(ctx.body, 
    can(ctx.me, 'audit.verify') ? h('section', { class: 'panel', 'aria-labelledby': 'verify-h' }, h('h2', { id: 'verify-h' }, 'Verify the hash chain'), verify.el, result) : null,
    h('section', { class: 'panel' }, filter.el),
    page.entries.length === 0
      ? h('p', { role: 'status' }, 'No entries.')
      : table(
          ['#', 'When', 'Who', 'Action', 'Subject', 'Details'],
          page.entries.map((e) => [
            String(e.seq),
            when(e.at),
            e.actorName ?? e.actor,
            e.action,
            e.subject.startsWith('card:') ? link(`/console/cards/${e.subject.slice(5)}`, e.subject) : e.subject,
            h('code', { class: 'data' }, dataText(e.data)),
          ]),
          'Newest first',
        ),
    page.next ? h('p', null, link(`/console/audit?${older.toString()}`, 'Older entries')) : null,
  );
}
