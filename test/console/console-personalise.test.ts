// Personalising a card from the console at a thin issuance station, in a real
// browser against the whole service: the administrator adds a station (its
// key shown once), the station connects with a blank simulated card in its
// reader, the officer chooses station and reader, watches each step live,
// the citizen sets the PIN at the station, and the page ends with the
// hand-over summary.
//
// It uses the station API (GET/POST /v1/stations, POST
// /v1/issuance/personalisations, GET /v1/issuance/jobs/{id}/events) and a
// real `cardauth station run` process.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { manufactureCard, VirtualCard } from '../../firmware-sim/index.js';
import { openInProcessChannel } from '../../src/card/in-process.js';
import { PivClient } from '../../src/card/piv/index.js';
import { readCertificate } from '../../src/card/piv/read-certificate.js';
import { receiveStock } from '../../src/registry/repos/card-stock.js';
import { CARDAUTH_BIN, childEnv, REPO } from '../support/run-bin.js';
import { ADMIN, launchBrowser, newContext, screenshot, signIn, startConsoleService, type ConsoleService } from './support.js';

const OFFICER = { username: 'pich', password: 'officer pass phrase 3' };
const NATIONAL_ID = '077665544';
const SERIAL = 62_000_201;
const CITIZEN_PIN = '250871';

describe('staff console in the browser: personalise a card at a station', function () {
  this.timeout(240_000);
  let s: ConsoleService;
  let browser: Browser | undefined;
  let station: ChildProcess | undefined;

  async function bearer(username: string, password: string): Promise<string> {
    const r = await fetch(`${s.url}/v1/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    return ((await r.json()) as { token: string }).token;
  }

  before(async function () {
    s = await startConsoleService();
    const admin = await bearer(ADMIN.username, ADMIN.password);
    const probe = await fetch(`${s.url}/v1/stations`, { headers: { authorization: `Bearer ${admin}` } });
    assert.equal(probe.status, 200, 'the station API answers');
    browser = await launchBrowser();
    const add = await fetch(`${s.url}/v1/staff/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: OFFICER.username, displayName: 'Pich Officer', role: 'officer', password: OFFICER.password }),
    });
    assert.equal(add.status, 201);
    const officer = await bearer(OFFICER.username, OFFICER.password);
    const enrol = await fetch(`${s.url}/v1/issuance/citizens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ nationalId: NATIONAL_ID, surname: 'កែវ', givenName: 'ចន្ថា', surnameLatin: 'KEO', givenNameLatin: 'CHANTHA', birthDate: '1988-09-02' }),
    });
    assert.equal(enrol.status, 201, await enrol.text());
  });
  after(async () => {
    station?.kill('SIGTERM');
    await browser?.close();
    await s?.close();
  });

  let stationKey = '';
  let stationOutput = '';
  afterEach(async function () {
    // What the station printed, to read when a test failed (the PUK it shows once is a test card's).
    if (this.currentTest?.state === 'failed' && stationOutput !== '') console.log(`      station output:\n${stationOutput.replace(/^/gm, '        ')}`);
  });
  const cardFile = (): string => join(s.dir, `blank-${SERIAL}.json`);

  it('the administrator adds a station; its key is shown once', async () => {
    const { page, context } = await newContext(browser!);
    await signIn(page, s.url, ADMIN.username, ADMIN.password, '/console/stations');
    await page.getByLabel('Name', { exact: true }).fill('Phnom Penh office, desk 1');
    await page.getByRole('button', { name: 'Add station' }).click();
    const dialog = page.getByRole('dialog');
    stationKey = await dialog.locator('input[data-secret="Station key"]').inputValue();
    assert.ok(stationKey.length >= 20);
    await dialog.getByRole('button', { name: /I have stored it/ }).click();
    await page.getByText('Station Phnom Penh office, desk 1 added.').waitFor();
    assert.ok(!(await page.content()).includes(stationKey));
    await context.close();
  });

  it('the officer personalises a card at the station and watches each step; the citizen sets the PIN there; the hand-over summary ends it', async () => {
    // A blank card from the simulated factory, in stock, in the station's reader.
    await manufactureCard({ serial: SERIAL, out: cardFile(), factoryDir: join(s.dir, 'factory') });
    const card = await VirtualCard.open(cardFile());
    const ch = await openInProcessChannel(card);
    const piv = await PivClient.open(ch);
    assert.ok(piv.ok);
    const f9 = await readCertificate(ch, 0xf9);
    assert.ok(f9.ok);
    await ch.close({ disposition: 'reset' });
    await receiveStock(s.service.db, { serial: SERIAL, manufacturer: 'firmware-sim', attestationCertDer: f9.der }, 'test', s.clock.now());

    // The station: its key only, the card file as its reader, the citizen's PIN typed on its pad (twice: choose, confirm).
    station = spawn(process.execPath, [CARDAUTH_BIN, 'station', 'run', '--server', s.url, '--sim-card', cardFile()], {
      env: childEnv({ CARDAUTH_STATION_KEY: stationKey }),
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    station.stdin!.end(`${CITIZEN_PIN}\n${CITIZEN_PIN}\n`);
    station.stdout!.setEncoding('utf8').on('data', (d: string) => (stationOutput += d));
    station.stderr!.setEncoding('utf8').on('data', (d: string) => (stationOutput += d));

    const { page, context } = await newContext(browser!);
    // Which steps the page showed running, as it happened (recorded outside the page's own script).
    await page.addInitScript(`window.__running = [];
      new MutationObserver((changes) => {
        for (const c of changes) if (c.target.classList && c.target.classList.contains('step-running')) window.__running.push(c.target.dataset.step);
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['class'] });`);
    await signIn(page, s.url, OFFICER.username, OFFICER.password, `/console/personalise?nationalId=${NATIONAL_ID}`);
    await page.getByText('KEO CHANTHA').waitFor();
    // Wait for the station to report its reader with the blank card.
    const reader = page.getByRole('radio', { name: new RegExp(`blank card ${SERIAL}`) });
    for (let i = 0; i < 60 && !(await reader.isEnabled().catch(() => false)); i++) {
      await page.getByRole('button', { name: 'Refresh the readers' }).click();
      await page.waitForTimeout(500);
    }
    await reader.check();
    await page.getByRole('button', { name: 'Start personalisation' }).click();
    await page.waitForURL(/\/console\/jobs\//);
    await page.getByRole('heading', { name: 'Personalisation at Phnom Penh office, desk 1' }).waitFor();
    // The steps are listed before they run, then marked as the station reports them.
    assert.equal(await page.locator('.step').count(), 10);
    await page.getByRole('heading', { name: 'Hand-over summary' }).waitFor({ timeout: 60_000 }).catch(async (e: unknown) => {
      await screenshot(page, 'personalise-failed');
      throw e;
    });
    assert.equal(await page.locator('.step-done').count(), 10);
    const seen = new Set((await page.evaluate('window.__running')) as string[]);
    for (const step of ['check-card', 'generate-keys', 'citizen-sets-pin', 'record']) assert.ok(seen.has(step), `${step} was shown running: ${[...seen].join(', ')}`);
    assert.equal(await page.locator('.job-card').textContent(), String(SERIAL));
    assert.match(stationOutput, /choose your PIN/, 'the citizen chose the PIN at the station');
    const summary = (await page.locator('.handover').textContent()) ?? '';
    assert.match(summary, new RegExp(`${SERIAL}`));
    assert.match(summary, /កែវ ចន្ថា/);
    assert.match(summary, /KEO CHANTHA/);
    assert.match(summary, /Authentication \(9A\)/);
    await screenshot(page, 'personalise-done');
    await context.close();
  });
});
