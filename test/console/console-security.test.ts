// The staff console's bad paths in a real browser against the whole service:
// a wrong password, a change without the CSRF token — from the page itself
// and from a page of another origin on the same site, where SameSite=Strict
// still sends the cookie — a session that expires mid-flow (sign-in, then
// back where the user was), the console's own idle sign-out, and a role
// trying what it may not (hidden in the page, refused by the API). Also: the
// session token is never readable by page script, and the Content-Security-
// Policy stops inline script.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, launchBrowser, newContext, screenshot, signIn, startConsoleService, type ConsoleService } from './support.js';

const OFFICER = { username: 'oscar', password: 'officer pass phrase 2' };

describe('staff console in the browser: bad paths', function () {
  this.timeout(180_000);
  let s: ConsoleService;
  let browser: Browser;
  let adminToken = '';

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    // A fresh session each time: a test moves the service's clock past the idle limit.
    const login = await fetch(`${s.url}/v1/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password }) });
    adminToken = ((await login.json()) as { token: string }).token;
    const r = await fetch(`${s.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: r.status, body: (await r.json().catch(() => ({}))) as Record<string, unknown> };
  }
  async function officerPage(): Promise<Page> {
    const { page } = await newContext(browser);
    await signIn(page, s.url, OFFICER.username, OFFICER.password);
    return page;
  }

  before(async () => {
    [s, browser] = await Promise.all([startConsoleService(), launchBrowser()]);
    assert.equal((await api('POST', '/v1/staff/accounts', { username: OFFICER.username, displayName: 'Oscar Officer', role: 'officer', password: OFFICER.password })).status, 201);
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  it('a wrong password: the message beside the password, the username kept, no cookie', async () => {
    const { page, context } = await newContext(browser);
    await page.goto(`${s.url}/console/signin`);
    await page.getByLabel('Username').fill(OFFICER.username);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const err = page.locator('.field-error', { hasText: 'Username or password is wrong' });
    await err.waitFor();
    assert.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true');
    assert.equal(await err.getAttribute('id'), (await page.getByLabel('Password').getAttribute('aria-describedby'))?.split(' ').pop());
    assert.equal(await page.getByLabel('Username').inputValue(), OFFICER.username);
    assert.match(page.url(), /\/console\/signin/);
    assert.deepEqual(await context.cookies(), []);
    await screenshot(page, 'signin-wrong-password');
    await context.close();
  });

  it('the session token never reaches page script: HttpOnly cookie, not in the sign-in answer, nothing in storage', async () => {
    const { page, context } = await newContext(browser);
    await page.goto(`${s.url}/console/signin`);
    await page.getByLabel('Username').fill(OFFICER.username);
    await page.getByLabel('Password').fill(OFFICER.password);
    // What the page script receives from the sign-in (read before the page moves on).
    let answer = '';
    await page.route('**/v1/staff/login', async (route) => {
      const r = await route.fetch();
      answer = await r.text();
      await route.fulfill({ response: r });
    });
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    const [cookie] = await context.cookies();
    assert.deepEqual([cookie?.name, cookie?.httpOnly, cookie?.sameSite, cookie?.secure], ['cardauth_session', true, 'Strict', false]);
    assert.deepEqual(await page.evaluate('[document.cookie, localStorage.length, sessionStorage.length]'), ['', 0, 0]);
    assert.ok(!(await page.content()).includes(cookie!.value));
    assert.match(answer, /"csrfToken"/);
    assert.ok(!answer.includes(cookie!.value) && !/"token"/.test(answer), answer);
    await context.close();
  });

  it('a change without the CSRF token is refused (403 staff_csrf_failed), from the page and from another origin of the same site', async () => {
    const page = await officerPage();
    const citizen = { nationalId: 'FORGED01', surname: 'Forged', givenName: 'Request', birthDate: '1990-01-01' };
    const fromPage = await page.evaluate(`(async () => {
      const r = await fetch('/v1/issuance/citizens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(JSON.stringify(citizen))} });
      return [r.status, (await r.json()).code];
    })()`);
    assert.deepEqual(fromPage, [403, 'staff_csrf_failed']);

    // Another port of 127.0.0.1 is another origin but the same site: SameSite=Strict
    // sends the cookie. Its page posts JSON as a type-less Blob (no Content-Type,
    // no CORS preflight) and as a plain form.
    const attackerPage = `<!doctype html><body><form id="f" method="post" action="${s.url}/v1/issuance/citizens" enctype="text/plain"><input name='{"nationalId":"FORGED02","surname":"Form","givenName":"Post","birthDate":"1990-01-01","x":"' value='"}'></form>
<script>
fetch(${JSON.stringify(`${s.url}/v1/issuance/citizens`)}, { method: 'POST', mode: 'no-cors', credentials: 'include', body: new Blob([${JSON.stringify(JSON.stringify(citizen))}]) })
  .finally(() => { document.title = 'sent'; document.getElementById('f').submit(); });
</script></body>`;
    const attacker: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackerPage)).listen(0, '127.0.0.1');
    await new Promise((ok) => attacker.once('listening', ok));
    try {
      const before = await metric('enrolCitizen', 403);
      const navigated = page.waitForURL((u) => u.href.startsWith(`${s.url}/v1/issuance/citizens`));
      await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
      await navigated;
      // The cookie did go along (403 CSRF, not 401 "sign in first"), and both forged requests were refused.
      assert.equal((await metric('enrolCitizen', 403)) - before, 2);
      assert.match((await page.textContent('body')) ?? '', /staff_csrf_failed|unsupported_media_type/);
    } finally {
      attacker.close();
    }
    const enrolled = await s.service.db.query('SELECT national_id FROM citizens WHERE national_id LIKE $1', ['FORGED%']);
    assert.deepEqual(enrolled, [], 'nothing was enrolled');
    await page.context().close();
  });

  async function metric(operation: string, status: number): Promise<number> {
    const text = await s.service.metrics.render();
    const m = new RegExp(`cardauth_http_requests_total\\{operation="${operation}",status="${status}"\\} (\\d+)`).exec(text);
    return m ? Number(m[1]) : 0;
  }

  it('a session that expires mid-flow goes to sign-in and then back to where the user was', async () => {
    const page = await officerPage();
    await page.goto(`${s.url}/console/citizens/new`);
    await page.getByLabel('National ID').fill('099887766');
    await page.getByLabel('Surname', { exact: true }).fill('ចាន់');
    await page.getByLabel('Given name', { exact: true }).fill('ស្រីមុំ');
    await page.getByLabel('Surname (Latin)').fill('CHAN');
    await page.getByLabel('Given name (Latin)').fill('SREYMOM');
    await page.getByLabel('Date of birth').fill('1993-06-15');
    s.clock.advance(31 * 60_000); // the service's idle limit is 30 minutes
    await page.getByRole('button', { name: 'Enrol' }).click();
    await page.waitForURL(/\/console\/signin\?/);
    const url = new URL(page.url());
    assert.deepEqual([url.searchParams.get('reason'), url.searchParams.get('next')], ['expired', '/console/citizens/new']);
    await page.getByText('Your session has ended.').waitFor();
    await screenshot(page, 'signin-expired');
    await page.getByLabel('Username').fill(OFFICER.username);
    await page.getByLabel('Password').fill(OFFICER.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${s.url}/console/citizens/new`);
    await page.getByRole('heading', { name: 'Enrol a citizen' }).waitFor();
    await page.context().close();
  });

  it('the console signs out by itself after the idle time, warning a minute before', async () => {
    const { page, context } = await newContext(browser);
    await page.clock.install();
    await signIn(page, s.url, OFFICER.username, OFFICER.password, '/console/citizens');
    await page.getByRole('heading', { name: 'Citizens and cards' }).waitFor();
    await page.clock.fastForward('29:10');
    await page.getByText('You will be signed out in a minute').waitFor();
    await page.clock.fastForward('01:00');
    await page.waitForURL(/reason=idle/);
    assert.equal(new URL(page.url()).searchParams.get('next'), '/console/citizens');
    await page.getByText('You were signed out because nothing happened for a while.').waitFor();
    // The service ended the session too.
    assert.deepEqual(await context.cookies(), []);
    await context.close();
  });

  it('a role sees only what it may do, and the API refuses the rest (403)', async () => {
    const page = await officerPage();
    const menu = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    for (const hidden of ['Staff', 'Stations', 'Relying parties', 'Audit log']) assert.ok(!menu.includes(hidden), hidden);
    await page.goto(`${s.url}/console/staff`);
    await page.getByText('Your role (officer) may not use this page.').waitFor();
    await screenshot(page, 'forbidden');
    const refused = await page.evaluate(`(async () => {
      const me = await (await fetch('/v1/staff/me')).json();
      const post = (path, body) => fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: JSON.stringify(body) })
        .then(async (r) => [r.status, (await r.json()).code]);
      return [
        await post('/v1/staff/accounts', { username: 'mallory', displayName: 'M', role: 'admin', password: 'a long enough password' }),
        await post('/v1/staff/relying-parties', { name: 'Shadow', terminals: ['t1'] }),
        await post('/v1/staff/audit/verify', {}),
        await post('/v1/issuance/cards/62000001/revoke', { reason: 'unspecified' }),
      ];
    })()`);
    assert.deepEqual(refused, [
      [403, 'staff_forbidden'],
      [403, 'staff_forbidden'],
      [403, 'staff_forbidden'],
      [403, 'issuance_forbidden'],
    ]);
    await page.context().close();
  });

  it('changing your own password: the wrong current one is refused beside its field; afterwards the console goes on with the new session', async () => {
    assert.equal((await api('POST', '/v1/staff/accounts', { username: 'petra', displayName: 'Petra Officer', role: 'officer', password: 'the first passphrase of P' })).status, 201);
    const { page, context } = await newContext(browser);
    await signIn(page, s.url, 'petra', 'the first passphrase of P', '/console/account');
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await page.getByLabel('New password again').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.locator('.field-error', { hasText: 'The current password is wrong' }).waitFor();
    assert.equal(await page.getByLabel('Current password').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('New password', { exact: true }).inputValue(), 'a brand new passphrase');
    await page.getByLabel('Current password').fill('the first passphrase of P');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password was changed.').waitFor();
    // Without reloading, the page's CSRF token follows the new session: a change goes through.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Enrol a citizen' }).click();
    await page.getByLabel('National ID').fill('055443322');
    await page.getByLabel('Surname', { exact: true }).fill('ស៊ុន');
    await page.getByLabel('Given name', { exact: true }).fill('ដារ៉ា');
    await page.getByLabel('Surname (Latin)').fill('SUN');
    await page.getByLabel('Given name (Latin)').fill('DARA');
    await page.getByLabel('Date of birth').fill('1985-02-01');
    await page.getByRole('button', { name: 'Enrol' }).click();
    await page.getByRole('heading', { name: 'SUN DARA' }).waitFor();
    await context.close();
    const old = await fetch(`${s.url}/v1/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'petra', password: 'the first passphrase of P' }) });
    assert.equal(old.status, 401);
  });

  it('the Content-Security-Policy stops inline script, and text from the registry never becomes markup', async () => {
    assert.equal((await api('POST', '/v1/staff/relying-parties', { name: '<img src=x onerror="window.owned=1">', terminals: ['t1'] })).status, 201);
    const { page, context } = await newContext(browser);
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/.test(m.text())) violations.push(m.text());
    });
    await signIn(page, s.url, ADMIN.username, ADMIN.password, '/console/relying-parties');
    await page.getByRole('link', { name: '<img src=x onerror="window.owned=1">' }).waitFor();
    assert.equal(await page.locator('main img').count(), 0);
    const ran = await page.evaluate(`(() => { const el = document.createElement('script'); el.textContent = 'window.inlineRan = true'; document.body.append(el); return [window.inlineRan === true, window.owned === 1]; })()`);
    assert.deepEqual(ran, [false, false]);
    assert.ok(violations.some((v) => /script-src 'self'/.test(v)), violations.join('\n'));
    await context.close();
  });
});
