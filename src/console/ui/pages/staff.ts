// Staff accounts and roles (admin): add an account with a first password the
// person changes, change a role, disable or enable. The last active admin
// cannot be disabled or demoted (the service refuses: staff_last_admin).
import { api } from '../api.js';
import { append, badge, when, h, notice, table } from '../dom.js';
import { actionButton, Form } from '../forms.js';
import { navigate, type PageContext } from '../router.js';
import { can } from '../session.js';
import { roles, type StaffAccount } from '../types.js';

export async function staffPage(ctx: PageContext): Promise<void> {
  const list = (await api<{ staff: StaffAccount[] }>('GET', '/v1/staff/accounts')).staff;
  const manage = can(ctx.me, 'staff.manage');
  const reload = (flash: string): void => navigate('/console/staff', { flash, replace: true });
  const form = new Form({
    label: 'Add a staff account',
    submit: 'Add account',
    errorFields: { staff_username_taken: 'username', staff_password_weak: 'password' },
    async onSubmit(f) {
      const s = await api<StaffAccount>('POST', '/v1/staff/accounts', {
        username: f.value('username').trim(),
        displayName: f.value('displayName').trim(),
        role: f.value('role'),
        password: f.value('password'),
      });
      reload(`Added ${s.displayName} (${s.username}) as ${s.role}. Give them the first password in person; they change it on their Account page.`);
    },
  });
  form.add(
    form.field({ name: 'username', label: 'Username', required: true, hint: '3–32: a lower-case letter, then lower-case letters, digits, . _ -', spellcheck: false, maxlength: 32 }),
    form.field({ name: 'displayName', label: 'Full name', required: true, maxlength: 100 }),
    form.field({ name: 'role', label: 'Role', required: true, value: 'officer', options: roles.map((r) => [r, r] as const) }),
    form.field({ name: 'password', label: 'First password', type: 'password', required: true, autocomplete: 'new-password', hint: 'At least 12 characters, not containing the username.' }),
  );
  append(ctx.body, 
    ctx.flash ? notice('success', ctx.flash) : null,
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'accounts' },
      h('h2', { id: 'accounts' }, `Accounts (${list.length})`),
      table(
        ['Username', 'Name', 'Role', 'State', 'Since', ...(manage ? ['Change'] : [])],
        list.map((s) => [
          s.username,
          s.displayName,
          manage ? roleSelect(s, reload) : s.role,
          s.disabled ? badge('disabled', 'bad') : badge('active', 'ok'),
          when(s.createdAt),
          ...(manage
            ? [
                actionButton(s.disabled ? 'Enable' : 'Disable', async () => {
                  await api('PATCH', `/v1/staff/accounts/${s.id}`, { disabled: !s.disabled });
                  reload(`${s.username} is ${s.disabled ? 'enabled' : 'disabled'}${s.disabled ? '' : '; their sessions have ended'}.`);
                }),
              ]
            : []),
        ]),
      ),
    ),
    manage ? h('section', { class: 'panel narrow', 'aria-labelledby': 'add-heading' }, h('h2', { id: 'add-heading' }, 'Add an account'), form.el) : null,
  );
}

function roleSelect(s: StaffAccount, reload: (flash: string) => void): HTMLElement {
  const id = `role-${s.id}`;
  const select = h('select', { id, 'aria-label': `Role of ${s.username}` }, roles.map((r) => h('option', { value: r, selected: r === s.role }, r)));
  const error = h('span', { class: 'inline-error', role: 'alert' });
  const save = actionButton(
    'Save',
    async () => {
      if (select.value === s.role) return;
      await api('PATCH', `/v1/staff/accounts/${s.id}`, { role: select.value });
      reload(`${s.username} is now ${select.value}.`);
    },
    { errorSlot: error },
  );
  return h('span', { class: 'inline-form' }, select, save, error);
}
