// The staff console in a real browser (Debian's Chromium through
// playwright-core) against the whole service, as the three roles use it:
//   1. the administrator signs in and creates an officer and a supervisor;
//   2. the officer enrols a citizen with a Khmer name (and its Latin form),
//      first with a mistake the form shows beside its field;
//   3. the administrator registers a relying party (its secret shown once);
//      a card issued to the citizen authenticates at a terminal, and the
//      dashboard's chart counts it;
//   4. a PIN reset is requested by the officer and approved by the supervisor
//      (who cannot approve their own request);
//   5. the supervisor suspends, resumes and revokes the card;
//   6. the audit page verifies the chain and shows the head it verified.
// Screenshots of the main pages go to test-output/console/ (not committed).
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { CARDAUTH_BIN, runBin } from '../support/run-bin.js';
import { ADMIN, launchBrowser, newContext, screenshot, signIn, startConsoleService, type ConsoleService } from './support.js';
import { issueCard } from './issued-card.js';

const OFFICER = { username: 'olivia', displayName: 'Olivia Officer', password: 'officer pass phrase 1' };
const SUPERVISOR = { username: 'sam', displayName: 'Sam Supervisor', password: 'supervisor pass phrase 1' };
const NATIONAL_ID = '012345678';

describe('staff console in the browser: the main flow', function () {
  this.timeout(180_000);
  let s: ConsoleService;
  let browser: Browser;
  const problems: string[] = [];
  let card: { serial: number; file: string };

  async function as(who: { username: string; password: string }, path?: string): Promise<Page> {
    const c = await newContext(browser);
    c.page.on('pageerror', () => undefined);
    problems.push(...c.problems);
    c.page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) problems.push(m.text());
    });
    await signIn(c.page, s.url, who.username, who.password, path);
    return c.page;
  }
  /** Follow a link of the main menu. */
  async function menu(page: Page, name: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  }
  /** The page fits a 1366×768 screen: nothing wider than the window. */
  async function fits(page: Page): Promise<void> {
    const w = Number(await page.evaluate('document.documentElement.scrollWidth'));
    assert.ok(w <= 1366, `${page.url()} is ${w}px wide`);
  }
  async function adminToken(): Promise<string> {
    const r = await fetch(`${s.url}/v1/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password }) });
    return ((await r.json()) as { token: string }).token;
  }

  before(async () => {
    [s, browser] = await Promise.all([startConsoleService(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  it('1. the administrator signs in with the keyboard and creates an officer and a supervisor', async () => {
    const c = await newContext(browser);
    const page = c.page;
    await page.goto(`${s.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.match(page.url(), /\/console\/signin/);
    await screenshot(page, 'signin');
    // Keyboard only: the username field has the focus, Tab to the password, Enter.
    await page.keyboard.type(ADMIN.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(ADMIN.password);
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    const items = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    assert.deepEqual(items, ['Dashboard', 'Approvals', 'Staff', 'Stations', 'Relying parties', 'Audit log']);
    await menu(page, 'Staff');
    await page.getByRole('heading', { name: 'Staff accounts' }).waitFor();
    for (const [who, role] of [
      [OFFICER, 'officer'],
      [SUPERVISOR, 'supervisor'],
    ] as const) {
      await page.getByLabel('Username').fill(who.username);
      await page.getByLabel('Full name').fill(who.displayName);
      await page.getByLabel('Role', { exact: true }).selectOption(role);
      await page.getByLabel('First password').fill(who.password);
      await page.getByRole('button', { name: 'Add account' }).click();
      await page.getByText(`Added ${who.displayName} (${who.username}) as ${role}`).waitFor();
    }
    // A weak password is refused beside its field; what was typed stays.
    await page.getByLabel('Username').fill('weakling');
    await page.getByLabel('Full name').fill('Weak Password');
    await page.getByLabel('First password').fill('short');
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.locator('.field-error', { hasText: 'at least 12 characters' }).waitFor();
    assert.equal(await page.getByLabel('First password').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Username').inputValue(), 'weakling');
    assert.equal(await page.getByLabel('Full name').inputValue(), 'Weak Password');
    const rows = await page.locator('table tbody tr').allTextContents();
    assert.ok(rows.some((r) => r.includes('olivia') && r.includes('Olivia Officer')));
    await fits(page);
    await screenshot(page, 'staff');
    problems.push(...c.problems);
    await c.context.close();
  });

  it('2. the officer enrols a citizen with a Khmer name and its Latin form (keyboard only), after a mistake shown beside its field', async () => {
    const page = await as(OFFICER);
    const items = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    assert.deepEqual(items, ['Dashboard', 'Citizens and cards', 'Enrol a citizen', 'Personalise a card', 'Approvals', 'Card stock']);
    await menu(page, 'Enrol a citizen');
    await page.getByRole('heading', { name: 'Enrol a citizen' }).waitFor();
    // From the page heading, Tab through the form and type; Enter submits.
    await page.getByLabel('National ID').focus();
    await page.keyboard.type('12');
    for (const v of ['ស៊ុន', 'សុភា', 'Sun', 'Sophea']) {
      await page.keyboard.press('Tab');
      await page.keyboard.type(v);
    }
    await page.keyboard.press('Tab');
    await page.keyboard.type('04131991'); // Chromium's date field here takes month, day, year
    await page.keyboard.press('Enter');
    const error = page.locator('.field-error', { hasText: '6 to 20' });
    await error.waitFor();
    // The error stands beside the national ID; the focus is on it; everything typed is kept.
    assert.equal(await page.getByLabel('National ID').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate('document.activeElement.name'), 'nationalId');
    assert.equal(await page.getByLabel('Surname', { exact: true }).inputValue(), 'ស៊ុន');
    assert.equal(await page.getByLabel('Given name', { exact: true }).inputValue(), 'សុភា');
    assert.equal(await page.getByLabel('Date of birth').inputValue(), '1991-04-13');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(NATIONAL_ID);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'SUN SOPHEA' }).waitFor();
    await page.getByText(`Enrolled SUN SOPHEA (${NATIONAL_ID})`).waitFor();
    const khmer = page.locator('dd [lang=km]');
    assert.equal(await khmer.textContent(), 'ស៊ុន សុភា');
    // Found by the start of the Khmer surname.
    await menu(page, 'Citizens and cards');
    await page.getByLabel('Surname (Khmer or Latin) or national ID').fill('ស៊ុ');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.getByRole('link', { name: NATIONAL_ID }).waitFor();
    assert.match(await page.locator('table tbody tr').first().textContent() ?? '', /ស៊ុន សុភា.*SUN SOPHEA/);
    await fits(page);
    await page.getByRole('link', { name: NATIONAL_ID }).click();
    await page.getByRole('heading', { name: 'SUN SOPHEA' }).waitFor();
    await screenshot(page, 'citizen');
    await page.context().close();
  });

  it('3. a relying party registered in the console (secret shown once) authenticates the citizen\'s card; the dashboard counts it', async () => {
    const officer = (await (await fetch(`${s.url}/v1/staff/accounts`, { headers: { authorization: `Bearer ${await adminToken()}` } })).json()) as { staff: Array<{ id: string; username: string }> };
    const officerId = officer.staff.find((x) => x.username === OFFICER.username)!.id;
    card = await issueCard(s.service, { dir: s.dir, nationalId: NATIONAL_ID, officer: { staffId: officerId, role: 'officer' }, serial: 62_000_101, clock: s.clock });

    const page = await as(ADMIN);
    await menu(page, 'Relying parties');
    await page.getByLabel('Name', { exact: true }).fill('Mekong Bank');
    await page.getByLabel('Terminal ids').fill('atm-001, branch-12');
    await page.getByRole('button', { name: 'Register' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Shown once.').waitFor();
    const header = await dialog.locator('input[data-secret="Authorization header value"]').inputValue();
    const token = header.replace(/^Bearer /, '');
    const secret = await dialog.locator('input[data-secret="Secret"]').inputValue();
    assert.ok(secret.length >= 32 && token.endsWith(secret));
    assert.ok(!page.url().includes(secret));
    await dialog.getByRole('button', { name: /I have stored it/ }).click();
    await page.getByText('Mekong Bank is registered.').waitFor();
    // Gone from the page, not in the URL, not stored by the browser; the list never shows it again.
    assert.ok(!(await page.content()).includes(secret));
    assert.deepEqual(await page.evaluate('[localStorage.length, sessionStorage.length, document.cookie]'), [0, 0, '']);
    await page.getByRole('link', { name: 'All relying parties' }).click();
    await page.getByRole('link', { name: 'Mekong Bank' }).waitFor();
    assert.ok(!(await page.content()).includes(secret));

    const created = await fetch(`${s.url}/v1/auth/challenges`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ terminalId: 'atm-001', transaction: { amount: '25000.00', currency: 'KHR', payee: 'Commune Hall Fees' } }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const { id } = (await created.json()) as { id: string };
    const term = await runBin(CARDAUTH_BIN, ['terminal', '--sim-card', card.file, '--server', s.url, '--challenge', id, '--terminal-id', 'atm-001'], { CARDAUTH_RP_KEY: token }, '250871\n');
    assert.equal(term.code, 0, term.stderr);

    await menu(page, 'Dashboard');
    const tile = page.getByRole('region', { name: 'Authentications, last 12 hours' });
    await tile.getByText('1', { exact: true }).waitFor();
    assert.equal(await page.getByRole('region', { name: 'Cards issued today' }).locator('.tile-value').textContent(), '1');
    assert.equal(await page.locator('svg.chart rect.chart-bar.ok').count(), 1);
    assert.match((await page.locator('table').textContent()) ?? '', /Mekong Bank\s*1\s*0\s*0/);
    await fits(page);
    await screenshot(page, 'dashboard');
    await page.context().close();
  });

  it('4. the officer asks for a PIN reset; the supervisor approves it from the queue, and cannot approve their own request', async () => {
    const officer = await as(OFFICER, `/console/cards/${card.serial}`);
    await officer.getByRole('heading', { name: `Card ${card.serial}` }).waitFor();
    // No suspend or revoke for an officer: those are the supervisor's.
    assert.equal(await officer.getByRole('button', { name: 'Suspend' }).count(), 0);
    assert.equal(await officer.getByRole('button', { name: 'Revoke' }).count(), 0);
    await officer.getByLabel('What').selectOption('pin-reset');
    await officer.getByLabel('Why').fill('The citizen lost the PUK letter');
    await officer.getByRole('button', { name: 'Ask a supervisor' }).click();
    await officer.getByText('Your request waits for a supervisor’s decision.').waitFor();

    const sup = await as(SUPERVISOR);
    await menu(sup, 'Approvals');
    const row = sup.locator('tr', { hasText: 'Olivia Officer (olivia)' });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', new RegExp(`Reset the PIN of card ${card.serial}.*The citizen lost the PUK letter`));
    await fits(sup);
    await screenshot(sup, 'approvals');
    await row.getByRole('button', { name: 'Approve' }).click();
    await sup.getByText(`Approved: Reset the PIN of card ${card.serial}.`).waitFor();

    // The supervisor's own request: no buttons, and the API refuses it anyway.
    await sup.goto(`${s.url}/console/cards/${card.serial}`);
    await sup.getByLabel('What').selectOption('revoke-key-compromise');
    await sup.getByRole('button', { name: 'Ask a supervisor' }).click();
    await sup.getByText('Your request waits').waitFor();
    await menu(sup, 'Approvals');
    await sup.getByText('Your own request: another supervisor decides.').waitFor();
    const refused = await sup.evaluate(`(async () => {
      const me = await (await fetch('/v1/staff/me')).json();
      const list = await (await fetch('/v1/staff/approvals?state=pending')).json();
      const own = list.approvals.find((a) => a.requestedBy === me.staffId);
      const r = await fetch('/v1/staff/approvals/' + own.id + '/approve', { method: 'POST', headers: { 'X-CSRF-Token': me.csrfToken } });
      return [r.status, (await r.json()).code];
    })()`);
    assert.deepEqual(refused, [403, 'approval_self']);

    // The officer now sees the approved reset (it runs at a station).
    await officer.reload();
    await officer.getByRole('region', { name: 'Reset the PIN (approved)' }).waitFor();
    await officer.context().close();
    await sup.context().close();
  });

  it('5. the supervisor suspends, resumes and then revokes the card with a reason', async () => {
    const page = await as(SUPERVISOR, `/console/cards/${card.serial}`);
    await page.getByRole('heading', { name: `Card ${card.serial}` }).waitFor();
    await page.getByRole('region', { name: 'Revoke the card' }).waitFor();
    await fits(page);
    await screenshot(page, 'card-actions');
    await page.getByRole('region', { name: 'Suspend the card' }).getByLabel('Note (optional)').fill('Reported lost by phone');
    await page.getByRole('button', { name: 'Suspend' }).click();
    await page.getByText('The card is suspended').waitFor();
    assert.equal(await page.locator('.facts .badge').first().textContent(), 'hold');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByText('The card is active again.').waitFor();
    assert.equal(await page.locator('.facts .badge').first().textContent(), 'active');
    const revoke = page.getByRole('region', { name: 'Revoke the card' });
    await revoke.getByLabel('Reason').selectOption('affiliationChanged');
    await revoke.getByLabel('Note (optional)').fill('Left the country');
    await revoke.getByRole('button', { name: 'Revoke' }).click();
    // Not confirmed: refused beside the confirmation, the reason kept.
    await revoke.getByText('Confirm that the revocation is permanent.').waitFor();
    assert.equal(await revoke.getByLabel('Reason').inputValue(), 'affiliationChanged');
    await revoke.getByLabel(/never works again/).check();
    await revoke.getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('The card is revoked. This cannot be undone.').waitFor();
    assert.equal(await page.locator('.facts .badge').first().textContent(), 'revoked');
    assert.match((await page.locator('table').first().textContent()) ?? '', /revoked affiliationChanged/);
    await fits(page);
    await screenshot(page, 'card');
    await page.context().close();
  });

  it('6. the audit page verifies the chain and shows the head it verified', async () => {
    const page = await as(ADMIN);
    await menu(page, 'Audit log');
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    const ok = page.getByText('Chain verified.');
    await ok.waitFor();
    const head = (await page.locator('code.head').textContent()) ?? '';
    const api = (await (await fetch(`${s.url}/v1/staff/audit/verify`, { method: 'POST', headers: { authorization: `Bearer ${await adminToken()}`, 'content-type': 'application/json' }, body: '{}' })).json()) as { headSeq: number; headHash: string };
    assert.equal(head, `${api.headSeq}:${api.headHash}`);
    const revoked = page.locator('tr', { hasText: 'card.revoke' }).first();
    assert.match((await revoked.textContent()) ?? '', /Sam Supervisor \(sam\)/);
    await page.getByLabel('Action starts with').fill('card.');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/action=card\./);
    const actions = await page.locator('tbody tr td:nth-child(4)').allTextContents();
    assert.ok(actions.length > 0 && actions.every((a) => a.startsWith('card.')), actions.join());
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await page.getByText('Chain verified.').waitFor();
    await fits(page);
    await screenshot(page, 'audit');
    await page.context().close();
    assert.deepEqual(problems, []);
  });
});
