// The four-eyes queue: who asked, for what, when, and why; a supervisor
// approves or rejects — never their own request (the service refuses that
// too, approval_self).
import { api } from '../api.js';
import { append, badge, when, h, link, notice, table } from '../dom.js';
import { actionButton } from '../forms.js';
import { navigate, type PageContext } from '../router.js';
import { can } from '../session.js';
import type { Approval } from '../types.js';

const WHAT: Record<string, string> = { 'pin-reset': 'Reset the PIN of card', 'revoke-key-compromise': 'Revoke for key compromise: card' };

function what(a: Approval): HTMLElement {
  return h('span', null, `${WHAT[a.action] ?? a.action} `, /^\d+$/.test(a.subject) ? link(`/console/cards/${a.subject}`, a.subject) : a.subject);
}

export async function approvalsPage(ctx: PageContext): Promise<void> {
  const all = (await api<{ approvals: Approval[] }>('GET', '/v1/staff/approvals?limit=200')).approvals;
  const pending = all.filter((a) => a.state === 'pending' && new Date(a.expiresAt).getTime() > Date.now());
  const decided = all.filter((a) => a.state !== 'pending').slice(0, 50);
  const decider = can(ctx.me, 'approval.decide');
  const reload = (flash: string): void => navigate('/console/approvals', { flash, replace: true });
  append(ctx.body, 
    ctx.flash ? notice('success', ctx.flash) : null,
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'pending-heading' },
      h('h2', { id: 'pending-heading' }, `Waiting for a decision (${pending.length})`),
      pending.length === 0
        ? h('p', null, 'Nothing waits for a decision.')
        : table(
            ['Asked by', 'What', 'Why', 'When', 'Expires', decider ? 'Decision' : 'State'],
            pending.map((a) => [
              a.requestedByName ?? a.requestedBy,
              what(a),
              a.reason || '—',
              when(a.createdAt),
              when(a.expiresAt),
              !decider
                ? badge('pending', 'warn')
                : a.requestedBy === ctx.me.staffId
                  ? h('span', { class: 'hint' }, 'Your own request: another supervisor decides.')
                  : h(
                      'span',
                      { class: 'decide' },
                      actionButton(
                        'Approve',
                        async () => {
                          await api('POST', `/v1/staff/approvals/${a.id}/approve`);
                          reload(`Approved: ${WHAT[a.action] ?? a.action} ${a.subject}.`);
                        },
                        { kind: 'primary' },
                      ),
                      actionButton('Reject', async () => {
                        await api('POST', `/v1/staff/approvals/${a.id}/reject`);
                        reload(`Rejected: ${WHAT[a.action] ?? a.action} ${a.subject}.`);
                      }),
                    ),
            ]),
          ),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'decided-heading' },
      h('h2', { id: 'decided-heading' }, 'Decided recently'),
      decided.length === 0
        ? h('p', null, 'No decisions yet.')
        : table(
            ['Asked by', 'What', 'State', 'Decided by', 'Asked'],
            decided.map((a) => [a.requestedByName ?? a.requestedBy, what(a), badge(a.state, a.state === 'rejected' ? 'bad' : 'ok'), a.decidedByName ?? a.decidedBy ?? '—', when(a.createdAt)]),
          ),
    ),
  );
}
