// Your account: who you are, and change your own password (the current one
// first). Every other session of the account ends; this one goes on with a
// new session the service opens.
import { api, setCsrfToken } from '../api.js';
import { append, h, notice } from '../dom.js';
import { Form } from '../forms.js';
import type { PageContext } from '../router.js';

export function accountPage(ctx: PageContext): void {
  const status = h('div');
  const form = new Form({
    label: 'Change your password',
    submit: 'Change password',
    errorFields: { staff_password_wrong: 'currentPassword', staff_password_weak: 'newPassword', staff_login_limited: 'currentPassword' },
    async onSubmit(f) {
      status.textContent = '';
      if (f.value('newPassword') !== f.value('confirmPassword')) {
        f.fieldError('confirmPassword', 'The two new passwords differ.');
        return;
      }
      const r = await api<{ csrfToken: string }>('POST', '/v1/staff/me/password', { currentPassword: f.value('currentPassword'), newPassword: f.value('newPassword') });
      setCsrfToken(r.csrfToken);
      for (const n of ['currentPassword', 'newPassword', 'confirmPassword']) {
        const i = f.input(n);
        if (i) i.value = '';
      }
      status.append(notice('success', 'Your password was changed. Your other sessions have ended.'));
    },
  });
  form.add(
    form.field({ name: 'currentPassword', label: 'Current password', type: 'password', required: true, autocomplete: 'current-password' }),
    form.field({ name: 'newPassword', label: 'New password', type: 'password', required: true, autocomplete: 'new-password', hint: 'At least 12 characters; not your username. A phrase of several words is easiest to remember.' }),
    form.field({ name: 'confirmPassword', label: 'New password again', type: 'password', required: true, autocomplete: 'new-password' }),
  );
  append(ctx.body, 
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'Name'),
      h('dd', null, ctx.me.displayName),
      h('dt', null, 'Username'),
      h('dd', null, ctx.me.username),
      h('dt', null, 'Role'),
      h('dd', null, ctx.me.role),
      h('dt', null, 'Signed out after'),
      h('dd', null, `${Math.round(ctx.me.idleTimeoutSeconds / 60)} minutes without activity`),
    ),
    h('section', { class: 'panel narrow', 'aria-labelledby': 'pw-heading' }, h('h2', { id: 'pw-heading' }, 'Change your password'), status, form.el),
  );
}
