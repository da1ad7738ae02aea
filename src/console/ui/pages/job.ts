// One job at a station, live: the steps as the station reports them, the
// moment the citizen sets the PIN, and at the end the hand-over summary.
import { api, ApiError } from '../api.js';
import { append, badge, formatDate, h, link, name, notice, table } from '../dom.js';
import type { PageContext } from '../router.js';
import { can } from '../session.js';
import { personalisationSteps, type Card, type Citizen, type Job } from '../types.js';
import { followJob, type JobEvent } from './station-work.js';

type StepState = 'pending' | 'running' | 'done' | 'failed';

const STATE_TEXT: Record<StepState, string> = { pending: 'waiting', running: 'running…', done: 'done', failed: 'failed' };

export async function jobPage(ctx: PageContext): Promise<void> {
  const id = ctx.params['id']!;
  let job: Job;
  try {
    job = await api<Job>('GET', `/v1/issuance/jobs/${encodeURIComponent(id)}`);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 400)) {
      append(ctx.body, notice('error', 'There is no such job.'));
      return;
    }
    throw e;
  }
  ctx.heading(`Card ${job.cardSerial} at the station`);
  const steps = new Map<string, { row: HTMLElement; state: HTMLElement; title: string }>();
  const list = h('ol', { class: 'steps', 'aria-label': 'Steps' });
  const addStep = (key: string, title: string): { row: HTMLElement; state: HTMLElement; title: string } => {
    const state = h('span', { class: 'step-state' });
    const row = h('li', { class: 'step step-pending', 'data-step': key }, h('span', { class: 'step-title' }, title), ' ', state);
    const s = { row, state, title };
    steps.set(key, s);
    list.append(row);
    setState(key, 'pending');
    return s;
  };
  const setState = (key: string, st: StepState): void => {
    const s = steps.get(key) ?? addStep(key, key);
    s.row.className = `step step-${st}`;
    s.state.textContent = STATE_TEXT[st];
    if (st === 'running') s.row.setAttribute('aria-current', 'step');
    else s.row.removeAttribute('aria-current');
  };
  const personalising = job.kind === undefined || job.kind === 'personalise' || job.kind === 'personalisation';
  if (personalising) for (const [k, t] of personalisationSteps) addStep(k, t);
  for (const k of job.completedSteps) setState(k, 'done');
  const live = h('div', { class: 'live', 'aria-live': 'polite' });
  const summary = h('div');
  const status = h('p', { class: 'job-status' }, 'Status: ', badge(job.status, job.status === 'completed' ? 'ok' : job.status === 'running' ? 'warn' : 'bad'));
  append(ctx.body, status, h('section', { class: 'panel', 'aria-labelledby': 'steps-heading' }, h('h2', { id: 'steps-heading' }, 'Steps'), list), live, summary);

  const finish = async (ok: boolean, e?: JobEvent): Promise<void> => {
    live.textContent = '';
    if (!ok) {
      const msg = typeof e?.data['message'] === 'string' ? e.data['message'] : (job.lastError ?? 'The job did not complete.');
      const code = typeof e?.data['code'] === 'string' ? ` (${e.data['code']})` : '';
      live.append(notice('error', `${msg}${code}`));
      for (const [k, s] of steps) if (s.row.classList.contains('step-running')) setState(k, 'failed');
      return;
    }
    for (const [k, s] of steps) if (!s.row.classList.contains('step-done') && personalising) setState(k, 'done');
    await handOver(job.cardSerial, summary, ctx);
  };

  if (job.status === 'completed') {
    await finish(true);
    return;
  }
  if (job.status !== 'running' && job.status !== 'interrupted') {
    await finish(false);
    return;
  }
  const follow = followJob(id, (e) => {
    const step = typeof e.data['step'] === 'string' ? e.data['step'] : undefined;
    const title = typeof e.data['title'] === 'string' ? e.data['title'] : undefined;
    if (step && !steps.has(step)) addStep(step, title ?? step);
    if (e.type === 'step-start' && step) setState(step, 'running');
    if (e.type === 'step-done' && step) setState(step, 'done');
    if (e.type === 'pin-wait') {
      live.textContent = '';
      live.append(notice('info', h('strong', null, 'The citizen now sets the PIN on the station’s PIN pad.'), ' The PIN goes from the pad to the card only; nobody here sees it.'));
    }
  });
  const last = await follow.finished;
  if (last?.type === 'done') {
    await finish(true, last);
  } else if (last?.type === 'failed') {
    await finish(false, last);
  } else {
    // The event stream closed without an end: read the job again (a session that ended sends to sign-in).
    job = await api<Job>('GET', `/v1/issuance/jobs/${encodeURIComponent(id)}`);
    await finish(job.status === 'completed', undefined);
  }
  status.textContent = '';
  status.append('Status: ', badge(last?.type === 'done' || job.status === 'completed' ? 'completed' : 'failed', last?.type === 'done' || job.status === 'completed' ? 'ok' : 'bad'));
}

async function handOver(serial: number, el: HTMLElement, ctx: PageContext): Promise<void> {
  const [card, holder] = await Promise.all([
    api<Card>('GET', `/v1/issuance/cards/${serial}`),
    api<{ citizen: Citizen }>('GET', `/v1/issuance/cards/${serial}/citizen`).catch(() => undefined),
  ]);
  const c = holder?.citizen;
  el.append(
    h(
      'section',
      { class: 'panel handover', 'aria-labelledby': 'handover-heading' },
      h('h2', { id: 'handover-heading' }, 'Hand-over summary'),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'Card'),
        h('dd', null, link(`/console/cards/${card.serial}`, String(card.serial)), ' ', badge(card.status.replace('_', ' '), card.status === 'active' ? 'ok' : 'warn')),
        c ? [h('dt', null, 'Holder'), h('dd', null, name(`${c.surname} ${c.givenName}`, 'name-native'), h('br'), `${c.surnameLatin ?? ''} ${c.givenNameLatin ?? ''}`.trim(), ` · ${c.nationalId}`)] : null,
        h('dt', null, 'Valid until'),
        h('dd', null, formatDate(card.expiresAt)),
      ),
      table(
        ['Key', 'Certificate serial', 'Status', 'Valid until'],
        card.certificates.map((k) => [k.slot === '9a' ? 'Authentication (9A)' : k.slot === '9c' ? 'Signature (9C)' : k.slot, h('code', null, k.serialHex), k.status, formatDate(k.notAfter)]),
      ),
      h('p', null, 'The PUK was shown to the citizen at the station, once; it is kept nowhere. Ask the citizen to keep it apart from the card.'),
      card.status === 'pending_activation' && can(ctx.me, 'card.activate')
        ? h('p', null, link(`/console/cards/${card.serial}#activate`, 'Activate the card now, when the citizen proves the PIN'))
        : null,
    ),
  );
}
