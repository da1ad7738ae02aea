// The sandbox as a bank tries it, in a real browser (playwright-core driving
// Debian's /usr/bin/chromium; no browser is downloaded): `cardauth sandbox`
// in a child process, exactly as `npm run sandbox` runs it; the cashier page
// and the citizens' terminal screens it prints; one browser for the file,
// one page per screen, reused.
//   - the cashier asks for 25,000 KHR; the terminal shows who asks and for
//     what; the PIN is typed on the on-screen pad (dots only); the terminal
//     says approved; the cashier page shows "approved" and a JWS that jose
//     verifies against the JWKS (marked "sandbox": true); the RP saw the
//     terminal's progress hints on the way;
//   - a wrong PIN (typed on the keyboard) shows the tries left, then the
//     right one approves;
//   - the revoked card is refused;
//   - the card taken out mid-way (the screen's sandbox control, and renaming
//     the card file) is reported to the citizen and to the RP;
//   - the language switch (Khmer / English), and a new citizen starts in the
//     terminal's language again.
// Screenshots of every screen go to .scratch-screens/ (not committed).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CARDAUTH_BIN, REPO, childEnv, runBin, startService } from '../support/run-bin.js';

const SHOTS = join(REPO, '.scratch-screens');
const CHROMIUM = '/usr/bin/chromium';

interface Citizen {
  readonly name: string;
  readonly terminal: string;
  readonly screen: string;
  readonly pin: string;
  readonly cardFile: string;
}

/** What `cardauth sandbox` printed: the URLs, the RP, each citizen's terminal, PIN and card file. */
function parseSummary(out: string): { cashier: string; service: string; rpId: string; citizens: Citizen[] } {
  const cashier = /cashier page\s+(\S+)/.exec(out)![1]!;
  const service = /service\s+(http\S+)/.exec(out)![1]!;
  const rpId = /relying party\s+.+\((rp_[^)]+)\)/.exec(out)![1]!;
  const citizens = [...out.matchAll(/^ {4}(\S+ \S+)\s+terminal (\S+)\s+screen (\S+)\n\s+PIN (\d+).*\n\s+card file (\S+)$/gm)].map((m) => ({
    name: m[1]!,
    terminal: m[2]!,
    screen: m[3]!,
    pin: m[4]!,
    cardFile: m[5]!,
  }));
  return { cashier, service, rpId, citizens };
}

describe('e2e sandbox in a browser: cashier page, citizen terminal screens, jose', function () {
  this.timeout(180_000);
  let dir: string;
  let sandbox: ChildProcess | undefined;
  let stdout = '';
  let stderr = '';
  let s: ReturnType<typeof parseSummary>;
  let browser: Browser;
  let cashier: Page;
  const screens = new Map<string, Page>();
  let shot = 0;

  const snap = async (page: Page, name: string): Promise<void> => {
    await page.screenshot({ path: join(SHOTS, `${String(++shot).padStart(2, '0')}-${name}.png`) });
  };
  const citizen = (terminal: string): Citizen => s.citizens.find((c) => c.terminal === terminal)!;
  const screen = (terminal: string): Page => screens.get(terminal)!;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'cardauth-sandbox-browser-'));
    sandbox = spawn(process.execPath, [CARDAUTH_BIN, 'sandbox', '--dir', join(dir, 'sandbox'), '--port-base', '0', '--outcome-seconds', '2'], {
      cwd: REPO,
      env: childEnv({ CARDAUTH_LOG_LEVEL: 'warn', CARDAUTH_DATA_DIR: '', DATABASE_URL: '', REDIS_URL: '', CARDAUTH_KEY_PASSPHRASE: '', CARDAUTH_KEY_PASSPHRASE_FILE: '' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    sandbox.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    await new Promise<void>((ready, fail) => {
      sandbox!.stdout!.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        if (/Stop with Ctrl-C/.test(stdout)) ready();
      });
      sandbox!.once('exit', (code) => fail(new Error(`sandbox exited ${code}: ${stderr}`)));
    });
    s = parseSummary(stdout);
    assert.equal(s.citizens.length, 3, stdout);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    cashier = await context.newPage();
    await cashier.goto(s.cashier);
    for (const c of s.citizens) {
      const page = await context.newPage();
      await page.goto(c.screen);
      await page.waitForSelector('body[data-screen=idle]');
      screens.set(c.terminal, page);
    }
  });

  after(async () => {
    await browser?.close();
    if (sandbox && sandbox.exitCode === null) {
      const exited = new Promise((r) => sandbox!.once('exit', r));
      sandbox.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** The cashier sends a payment to `terminal`. */
  async function send(terminal: string, amount: string, reference: string, ekyc: boolean): Promise<Page> {
    await cashier.selectOption('#terminal', terminal);
    await cashier.fill('#amount', amount);
    await cashier.selectOption('#currency', 'KHR');
    await cashier.fill('#payee', 'Commune Hall Fees');
    await cashier.fill('#reference', reference);
    await cashier.setChecked('#ekyc', ekyc);
    await cashier.click('#send');
    await cashier.waitForSelector('.state[data-state=pending]');
    return screen(terminal);
  }

  /** The cashier sends a payment to `terminal`; the terminal shows the PIN pad. */
  async function pay(terminal: string, amount = '25000', reference = '', ekyc = false): Promise<Page> {
    const page = await send(terminal, amount, reference, ekyc);
    await page.waitForSelector('[data-testid=pad]', { timeout: 15_000 });
    return page;
  }

  async function typeOnPad(page: Page, pin: string): Promise<void> {
    for (const d of pin) await page.click(`[data-key="${d}"]`);
  }

  it('the cashier asks for 25,000 KHR, the terminal shows it, the PIN goes in on the on-screen pad, the cashier sees approved with a JWS jose verifies', async () => {
    const idle = screen('kiosk-1');
    await snap(idle, 'terminal-idle-km');
    const page = await pay('kiosk-1', '25000', 'SBX-0001');
    assert.equal(await page.textContent('[data-testid=rp-name]'), 'Sandbox Demo Bank');
    assert.equal(await page.textContent('[data-testid=amount]'), '៛25,000');
    assert.equal(await page.textContent('[data-testid=amount-exact]'), '25,000.00 KHR');
    assert.equal(await page.textContent('[data-testid=payee]'), 'Commune Hall Fees');
    assert.equal(await page.textContent('[data-testid=reference]'), 'SBX-0001');
    // The RP sees what the citizen is doing.
    await cashier.waitForSelector('#detail:has-text("pin_entry")', { timeout: 10_000 });
    await snap(page, 'terminal-pin-km');
    await page.click('button[data-lang=en]');
    await snap(page, 'terminal-pin-en');
    await page.click('button[data-lang=km]');

    const pin = citizen('kiosk-1').pin;
    await typeOnPad(page, pin.slice(0, 4));
    assert.equal(await page.locator('.dot.on').count(), 4, 'one dot per digit typed');
    assert.ok(!(await page.textContent('main'))!.includes(pin.slice(0, 4)), 'the digits are never shown');
    await snap(page, 'terminal-pin-typing');
    await typeOnPad(page, pin.slice(4));
    await page.click('[data-key=ok]');
    await page.waitForSelector('[data-outcome=approved]', { timeout: 15_000 });
    await snap(page, 'terminal-approved-km');

    await cashier.waitForSelector('.state[data-state=approved]', { timeout: 15_000 });
    assert.match((await cashier.textContent('#verified'))!, /Signature verified with jose/);
    await snap(cashier, 'cashier-approved');
    const jws = (await cashier.textContent('#jws'))!.trim();
    const { payload } = await jwtVerify(jws, createRemoteJWKSet(new URL('/.well-known/jwks.json', s.service)), { audience: s.rpId, algorithms: ['ES256'] });
    // The cashier typed 25000; the bank's back end writes it as the service signs it.
    assert.deepEqual(payload['txn'], { amount: '25000.00', currency: 'KHR', payee: 'Commune Hall Fees', reference: 'SBX-0001' });
    assert.equal(payload['pinVerified'], 'on-card');
    assert.equal(payload['terminal_id'], 'kiosk-1');
    assert.equal(payload['sandbox'], true, 'test material says so');
    await page.waitForSelector('body[data-screen=idle]', { timeout: 10_000 });
  });

  it('a wrong PIN, typed on the keyboard, shows the tries left; the right one then approves', async () => {
    const page = await pay('kiosk-1', '12500');
    const right = citizen('kiosk-1').pin;
    const wrong = right === '135790' ? '135791' : '135790';
    await page.keyboard.type(wrong);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=notice]', { timeout: 10_000 });
    assert.equal(await page.textContent('[data-testid=tries]'), 'នៅសល់ 2 ដង');
    assert.match((await page.textContent('[data-testid=notice]'))!, /មិនត្រឹមត្រូវ.*2/);
    await cashier.waitForSelector('#detail:has-text("pin_wrong")', { timeout: 10_000 });
    await snap(page, 'terminal-wrong-pin-km');
    await page.keyboard.type(right);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-outcome=approved]', { timeout: 15_000 });
    await cashier.waitForSelector('.state[data-state=approved]', { timeout: 15_000 });
    await page.waitForSelector('body[data-screen=idle]', { timeout: 10_000 });
  });

  it('the language switch: the citizen reads the request in English; the next citizen starts in Khmer again', async () => {
    const page = screen('kiosk-1');
    assert.equal(await page.getAttribute('html', 'lang'), 'km');
    await page.click('button[data-lang=en]');
    assert.equal(await page.textContent('[data-testid=title]'), 'Insert your ID card');
    await page.click('button[data-lang=km]');
    assert.equal(await page.textContent('[data-testid=title]'), 'សូមបញ្ចូលអត្តសញ្ញាណប័ណ្ណរបស់អ្នក');

    await pay('kiosk-1', '4000');
    await page.click('button[data-lang=en]');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.textContent('[data-testid=title]'), 'Enter your PIN');
    assert.equal(await page.textContent('[data-testid=tries]'), '3 tries left');
    await snap(page, 'terminal-pin-en');
    await page.click('[data-key=cancel]');
    await page.waitForSelector('[data-outcome=citizen-cancelled]', { timeout: 10_000 });
    assert.equal(await page.textContent('[data-testid=title]'), 'Cancelled');
    await cashier.waitForSelector('.state[data-state=failed]', { timeout: 10_000 });
    assert.match((await cashier.textContent('#detail'))!, /challenge_cancelled.*citizen_cancelled/);
    await page.waitForSelector('body[data-screen=idle]', { timeout: 10_000 });
    assert.equal(await page.getAttribute('html', 'lang'), 'km', 'back at idle the terminal speaks its own language');
  });

  it('the revoked card is refused', async () => {
    const page = await pay('kiosk-3', '5000');
    await page.click('button[data-lang=en]');
    await typeOnPad(page, citizen('kiosk-3').pin);
    await page.click('[data-key=ok]');
    await page.waitForSelector('[data-outcome=card-revoked]', { timeout: 15_000 });
    assert.equal(await page.textContent('[data-testid=title]'), 'This card is revoked');
    await snap(page, 'terminal-revoked-en');
    await cashier.waitForSelector('.state[data-state=failed]', { timeout: 15_000 });
    assert.match((await cashier.textContent('#detail'))!, /card_revoked/);
  });

  it('three wrong PINs block the card: the terminal says so and what to do, and says it again at the next request', async () => {
    // Vanna Keo's card (revoked anyway: nothing else is lost by blocking it).
    const page = await pay('kiosk-3', '6000');
    const right = citizen('kiosk-3').pin;
    const wrong = right === '135790' ? '135791' : '135790';
    for (let i = 0; i < 3; i++) {
      await page.waitForSelector('[data-testid=pad]');
      await page.keyboard.type(wrong);
      await page.keyboard.press('Enter');
      if (i < 2) await page.waitForSelector(`[data-testid=tries]:has-text("${2 - i}")`, { timeout: 10_000 });
    }
    await page.waitForSelector('[data-outcome=pin-blocked]', { timeout: 10_000 });
    await page.click('button[data-lang=en]');
    assert.equal(await page.textContent('[data-testid=title]'), 'Your PIN is blocked');
    assert.match((await page.textContent('[data-testid=outcome-text]'))!, /Unblock it with your PUK at an issuance office/);
    await snap(page, 'terminal-pin-blocked-en');
    await cashier.waitForSelector('.state[data-state=failed]', { timeout: 10_000 });
    assert.match((await cashier.textContent('#detail'))!, /challenge_cancelled.*pin_blocked/);
    await page.waitForSelector('body[data-screen=idle]', { timeout: 10_000 });
    // The card says it is blocked before any PIN is asked for.
    await send('kiosk-3', '6000', '', false);
    await page.waitForSelector('[data-outcome=pin-blocked]', { timeout: 15_000 });
    await cashier.waitForSelector('.state[data-state=failed]', { timeout: 10_000 });
  });

  it('eKYC: the terminal shows what will be shared and the consent text; the result carries the attributes', async () => {
    const page = await pay('kiosk-2', '2000', 'ACCOUNT-OPENING', true);
    await page.click('button[data-lang=en]');
    const shared = (await page.textContent('[data-testid=shared]'))!;
    assert.match(shared, /Will be shared with Sandbox Demo Bank:/);
    assert.match(shared, /Given name.*Surname.*Date of birth/s);
    assert.match(shared, /receives your name and date of birth, to open your account/);
    await snap(page, 'terminal-ekyc-en');
    await typeOnPad(page, citizen('kiosk-2').pin);
    await page.click('[data-key=ok]');
    await page.waitForSelector('[data-outcome=approved]', { timeout: 15_000 });
    await cashier.waitForSelector('.state[data-state=approved]', { timeout: 15_000 });
    const payload = JSON.parse((await cashier.textContent('#payload'))!);
    assert.deepEqual(payload.attributes, { givenName: 'Sreymom', surname: 'Chan', birthDate: '1993-06-15' });
    await page.waitForSelector('body[data-screen=idle]', { timeout: 10_000 });
  });

  it('the card taken out mid-way is reported, by the sandbox control and by renaming the card file', async () => {
    const page = await pay('kiosk-2', '7500');
    await page.click('#sim-remove');
    await page.waitForSelector('[data-outcome=card-removed]', { timeout: 10_000 });
    await snap(page, 'terminal-card-removed-km');
    await cashier.waitForSelector('.state[data-state=failed]', { timeout: 10_000 });
    assert.match((await cashier.textContent('#detail'))!, /challenge_cancelled.*card_removed/);
    assert.match((await cashier.textContent('#hint'))!, /The card was removed before the end/);
    await page.waitForSelector('body[data-screen=idle]', { timeout: 10_000 });
    await snap(page, 'terminal-idle-no-card-km');
    // A request while no card is in: the screen asks for it, then reads it.
    await send('kiosk-2', '3000', '', false);
    await page.waitForSelector('body[data-screen=insert-card]', { timeout: 15_000 });
    assert.equal(await page.textContent('[data-testid=amount]'), '៛3,000');
    await snap(page, 'terminal-insert-card-km');
    await page.click('#sim-insert');
    await page.waitForSelector('[data-testid=pad]', { timeout: 10_000 });
    assert.equal(await page.locator('#sim-insert:disabled').count(), 1);
    await page.click('[data-key=cancel]');
    await page.waitForSelector('body[data-screen=idle]', { timeout: 10_000 });

    // The card file is the card: renamed away, the card is out of the reader.
    const card = citizen('kiosk-2').cardFile;
    await pay('kiosk-2', '7500');
    renameSync(card, `${card}.out`);
    try {
      await page.waitForSelector('[data-outcome=card-removed]', { timeout: 10_000 });
      await cashier.waitForSelector('.state[data-state=failed]', { timeout: 10_000 });
    } finally {
      renameSync(`${card}.out`, card);
    }
    await page.waitForSelector('body[data-screen=idle]', { timeout: 10_000 });
    // Back at that path, the card is in again and works.
    await page.waitForSelector('#sim-insert:disabled', { timeout: 10_000 });
    await pay('kiosk-2', '1000');
    await typeOnPad(page, citizen('kiosk-2').pin);
    await page.click('[data-key=ok]');
    await page.waitForSelector('[data-outcome=approved]', { timeout: 15_000 });
  });

  it('the cashier cancels while the citizen reads: the terminal says so', async () => {
    const page = await pay('kiosk-1', '9900');
    await cashier.click('#cancel');
    await page.waitForSelector('[data-outcome=cancelled]', { timeout: 10_000 });
    await cashier.waitForSelector('.state[data-state=failed]', { timeout: 10_000 });
    assert.match((await cashier.textContent('#detail'))!, /challenge_cancelled/);
    await page.waitForSelector('body[data-screen=idle]', { timeout: 10_000 });
  });

  it('the PINs are in no output but the summary that hands them out', () => {
    for (const c of s.citizens) {
      assert.equal(stdout.split(`PIN ${c.pin}`).length - 1, 1);
      assert.equal(stdout.split(c.pin).length - 1, 1, `${c.name}'s PIN once on stdout`);
      assert.ok(!stderr.includes(c.pin), `${c.name}'s PIN not in the logs`);
    }
  });

  it("a production configuration refuses to serve the sandbox's data directory; CARDAUTH_SANDBOX=1 serves it", async () => {
    const exited = new Promise<number | null>((r) => sandbox!.once('exit', (code) => r(code)));
    sandbox!.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    const env = { CARDAUTH_DATA_DIR: join(dir, 'sandbox', 'data'), CARDAUTH_LOG_LEVEL: 'warn', DATABASE_URL: '', REDIS_URL: '', CARDAUTH_KEY_PASSPHRASE: '', CARDAUTH_KEY_PASSPHRASE_FILE: '', CARDAUTH_SANDBOX: '' };
    const refused = await runBin(CARDAUTH_BIN, ['serve', '--port', '0'], env);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /SANDBOX CA \(test material, not for production\): refusing to serve it/);
    const served = await startService({ ...env, CARDAUTH_SANDBOX: '1' });
    try {
      assert.equal((await fetch(`${served.url}/healthz`)).status, 200);
    } finally {
      assert.equal(await served.stop(), 0);
    }
  });
});
