// Sign in with username and password. The service checks the password
// (argon2id) and puts the session in an HttpOnly cookie; this page gets only
// the CSRF token. Afterwards the browser goes back to where it was sent from
// (`next`, a console path only).
import { api, setCsrfToken } from '../api.js';
import { h, notice } from '../dom.js';
import { Form } from '../forms.js';
import { loadMe } from '../session.js';

const REASONS: Record<string, string> = {
  expired: 'Your session has ended. Sign in again to go on where you were.',
  idle: 'You were signed out because nothing happened for a while. Sign in again to go on where you were.',
  signedout: 'You have signed out.',
  password: 'Your password was changed. Sign in with the new one.',
};

function safeNext(raw: string | null): string {
  if (raw === null || !raw.startsWith('/console/') || raw.startsWith('/console/signin') || raw.includes('//') || raw.includes('\\')) return '/console/';
  return raw;
}

export async function signInPage(app: HTMLElement): Promise<void> {
  const q = new URLSearchParams(location.search);
  const next = safeNext(q.get('next'));
  if ((await loadMe()) !== undefined) {
    location.replace(next);
    return;
  }
  document.title = 'Sign in — cardauth console';
  const reason = q.get('reason');
  const form = new Form({
    label: 'Sign in',
    submit: 'Sign in',
    errorFields: { staff_login_failed: 'password', staff_login_limited: 'username', staff_busy: 'username' },
    async onSubmit(f) {
      const r = await api<{ csrfToken: string }>('POST', '/v1/staff/login', { username: f.value('username').trim(), password: f.value('password'), session: 'cookie' }, { sessionCheck: false });
      setCsrfToken(r.csrfToken);
      location.assign(next);
    },
  });
  form.add(
    form.field({ name: 'username', label: 'Username', required: true, autocomplete: 'username', autofocus: true, spellcheck: false, maxlength: 64 }),
    form.field({ name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'current-password', maxlength: 1024 }),
  );
  app.textContent = '';
  app.append(
    h(
      'main',
      { id: 'main', class: 'signin' },
      h(
        'div',
        { class: 'signin-card' },
        h('p', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '▣'), ' cardauth ', h('span', { class: 'brand-sub' }, 'staff console')),
        h('h1', null, 'Sign in'),
        reason && REASONS[reason] ? notice(reason === 'signedout' || reason === 'password' ? 'info' : 'warning', REASONS[reason]) : null,
        form.el,
        h('p', { class: 'hint' }, 'For issuance officers, supervisors, auditors and administrators. Your session ends after a period without activity.'),
      ),
    ),
  );
  (form.input('username') as HTMLInputElement | undefined)?.focus();
}
