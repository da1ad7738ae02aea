// The staff console's browser tests: the whole service built in this process
// as `cardauth serve` builds it (src/composition/service.ts, PGlite and the
// in-process store in a fresh data directory) listening on a free loopback
// port, with a clock the test can move (an expired session), the first
// administrator, and Debian's Chromium driven by playwright-core (never a
// downloaded browser). Screenshots go to test-output/console/ (gitignored).
import { factoryRootPem } from '../../firmware-sim/index.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildService, type Service } from '../../src/composition/service.js';
import { loadConfig } from '../../src/config.js';
import { addStaff, staffDeps, type StaffDeps } from '../../src/staff/index.js';
import type { Clock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/log.js';

export const ADMIN = { username: 'ada', password: 'console admin passphrase 1', displayName: 'Ada Admin' } as const;
export const SCREENSHOTS = resolve(import.meta.dirname, '../../test-output/console');

/** Real time, moved forward by the test when it wants a session to expire. */
export class MovableClock implements Clock {
  #offset = 0;
  now(): Date {
    return new Date(Date.now() + this.#offset);
  }
  advance(ms: number): void {
    this.#offset += ms;
  }
}

export interface ConsoleService {
  readonly url: string;
  readonly service: Service;
  readonly staff: StaffDeps;
  readonly clock: MovableClock;
  readonly dir: string;
  close(): Promise<void>;
}

export async function startConsoleService(): Promise<ConsoleService> {
  const dir = mkdtempSync(join(tmpdir(), 'cardauth-console-'));
  const clock = new MovableClock();
  // The simulated factory whose blank cards the tests personalise: its root is one of the service's manufacturer roots.
  writeFileSync(join(dir, 'factory-root.pem'), await factoryRootPem(join(dir, 'factory')));
  const env = {
    CARDAUTH_DATA_DIR: dir,
    CARDAUTH_KEY_PASSPHRASE: 'console test key passphrase',
    CARDAUTH_HOST: '127.0.0.1',
    CARDAUTH_PORT: '8080',
    CARDAUTH_MANUFACTURER_ROOTS: join(dir, 'factory-root.pem'),
  };
  let service: Service | undefined;
  try {
    service = await buildService({ config: loadConfig(env), env, logger: silentLogger, clock, initCaIfMissing: true });
    const staff = staffDeps({ sql: service.db, store: service.store, clock });
    await addStaff(staff, undefined, { username: ADMIN.username, displayName: ADMIN.displayName, role: 'admin', password: ADMIN.password });
    const server: Server = service.app.listen(0, '127.0.0.1');
    await new Promise<void>((ok, fail) => server.once('listening', ok).once('error', fail));
    const { port } = server.address() as AddressInfo;
    const s = service;
    return {
      url: `http://127.0.0.1:${port}`,
      service: s,
      staff,
      clock,
      dir,
      async close() {
        server.closeAllConnections();
        await new Promise<void>((ok) => server.close(() => ok()));
        await s.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A fresh browser profile (no cookies) at the size the console is made for, collecting page errors and CSP violations. */
export async function newContext(browser: Browser): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-GB', timezoneId: 'Asia/Phnom_Penh' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (400|401|403|404|409)/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return { context, page, problems };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** Sign in on the sign-in page with the keyboard only (Tab order, Enter). */
export async function signIn(page: Page, base: string, username: string, password: string, next?: string): Promise<void> {
  await page.goto(`${base}/console/signin${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => !u.pathname.startsWith('/console/signin'));
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/console\/signin/);
}
