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

const KIND_TEXT: Record<string, string> = {
  personalise: 'Personalisation',
  replace: 'Replacement card',
  activate: 'Activation at hand-over',
  'unblock-pin': 'PIN unblock',
  'reset-pin': 'PIN reset',
  'stock-receive': 'Stock intake',
};

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
  const where = job.station ? `at ${job.station.name}` : 'at the station';
  ctx.heading(`${KIND_TEXT[job.kind ?? 'personalise'] ?? 'Job'} ${where}`);
  const steps = new Map<string, { row: HTMLElement; state: HTMLElement }>();
  const list = h('ol', { class: 'steps', 'aria-label': 'Steps' });
  const addStep = (key: string, title: string): void => {
    const state = h('span', { class: 'step-state' });
    const row = h('li', { class: 'step step-pending', 'data-step': key }, h('span', { class: 'step-title' }, title), ' ', state);
    steps.set(key, { row, state });
    list.append(row);
    setState(key, 'pending');
  };
  let running: string | undefined;
  const setState = (key: string, st: StepState): void => {
    const s = steps.get(key);
    if (s === undefined) return;
    s.row.className = `step step-${st}`;
    s.state.textContent = STATE_TEXT[st];
    if (st === 'running') {
      running = key;
      s.row.setAttribute('aria-current', 'step');
    } else {
      s.row.removeAttribute('aria-current');
    }
  };
  // The steps as the service lists them for this job (a personalisation's are flow 1's).
  const known = job.steps ?? (job.kind === undefined ? personalisationSteps.map(([name, title]) => ({ name, title, status: 'pending' as const })) : []);
  for (const k of known) addStep(k.name, k.title);
  for (const k of known) if (k.status === 'done' || job.completedSteps.includes(k.name)) setState(k.name, 'done');
  for (const k of known) if (k.status === 'running' || k.status === 'waiting-for-pin') setState(k.name, 'running');
  const facts = h(
    'dl',
    { class: 'facts' },
    h('dt', null, 'Card'),
    h('dd', { class: 'job-card' }, job.cardSerial === undefined ? 'not read yet' : String(job.cardSerial)),
    job.reader ? [h('dt', null, 'Reader'), h('dd', null, job.reader)] : null,
    h('dt', null, 'Status'),
    h('dd', { class: 'job-status' }, badge(job.status, job.status === 'completed' ? 'ok' : job.status === 'running' ? 'warn' : 'bad')),
  );
  const live = h('div', { class: 'live', 'aria-live': 'polite' });
  const summary = h('div');
  append(ctx.body, facts, live, steps.size > 0 || job.status === 'running' ? h('section', { class: 'panel', 'aria-labelledby': 'steps-heading' }, h('h2', { id: 'steps-heading' }, 'Steps'), list) : null, summary);
  const setStatus = (text: string, kind: string): void => {
    const dd = facts.querySelector('.job-status')!;
    dd.textContent = '';
    dd.append(badge(text, kind));
  };

  const finish = async (ok: boolean, e?: JobEvent): Promise<void> => {
    live.textContent = '';
    setStatus(ok ? 'completed' : 'failed', ok ? 'ok' : 'bad');
    if (!ok) {
      const msg = typeof e?.data['message'] === 'string' ? e.data['message'] : (job.lastError ?? 'The job did not complete.');
      const code = typeof e?.data['code'] === 'string' ? ` (${e.data['code']})` : '';
      live.append(notice('error', `${msg}${code}`));
      if (running !== undefined) setState(running, 'failed');
      return;
    }
    for (const k of steps.keys()) setState(k, 'done');
    const serial = typeof e?.data['cardSerial'] === 'number' ? e.data['cardSerial'] : job.cardSerial;
    const kind = job.kind ?? 'personalise';
    if (serial !== undefined && (kind === 'personalise' || kind === 'replace')) {
      await handOver(serial, summary, ctx);
    } else {
      const done: Record<string, string> = {
        activate: 'The card is active: the citizen proved the PIN.',
        'unblock-pin': 'The PIN is unblocked.',
        'reset-pin': 'The PIN was reset; the new PUK was shown to the citizen at the station, once.',
        'stock-receive': 'The card is in the stock.',
      };
      summary.append(notice('success', done[kind] ?? 'Done.', serial !== undefined && kind !== 'stock-receive' ? [' ', link(`/console/cards/${serial}`, `Card ${serial}`)] : null));
    }
  };

  if (job.status === 'completed') {
    await finish(true);
    return;
  }
  if (job.status !== 'running') {
    await finish(false);
    return;
  }
  const follow = followJob(id, (e) => {
    const step = typeof e.data['step'] === 'string' ? e.data['step'] : undefined;
    const title = typeof e.data['title'] === 'string' ? e.data['title'] : undefined;
    if (e.type === 'step-start' && step) {
      if (!steps.has(step)) addStep(step, title ?? step);
      setState(step, 'running');
      live.textContent = '';
    }
    if (e.type === 'step-done' && step) setState(step, 'done');
    if (e.type === 'snapshot' && Array.isArray(e.data['completedSteps'])) for (const k of e.data['completedSteps'] as unknown[]) if (typeof k === 'string') setState(k, 'done');
    if (e.type === 'pin-wait') {
      live.textContent = '';
      live.append(
        notice(
          'info',
          h('strong', null, step === 'set-puk' ? 'The citizen now reads the PUK on the station’s screen.' : 'The citizen now types the PIN on the station’s PIN pad.'),
          ' It goes from the pad to the card only; nobody here sees it.',
        ),
      );
    }
  });
  const last = await follow.finished;
  if (last?.type === 'done' || last?.type === 'failed') {
    await finish(last.type === 'done', last);
  } else {
    // The event stream closed without an end: read the job again (a session that ended sends to sign-in).
    job = await api<Job>('GET', `/v1/issuance/jobs/${encodeURIComponent(id)}`);
    await finish(job.status === 'completed');
  }
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
      h('h2', { id: 'handover-heading', tabindex: '-1' }, 'Hand-over summary'),
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
  // The job is over: bring the summary into view for whoever waited at the screen.
  el.querySelector<HTMLElement>('#handover-heading')?.focus();
}
