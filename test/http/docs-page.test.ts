// The API reference at /docs in a real browser (playwright-core, Debian's
// chromium): rendered on the server, no script at all under its CSP (no
// violation, no request outside the service), operations grouped by tag with
// a table of contents, each with its error codes and retry rule, the error
// catalogue with the Khmer messages; text from the document escaped.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { z } from 'zod';
import { openApiCatalogue } from '../../src/composition/error-catalogue.js';
import { errorRegistry } from '../../src/composition/error-registry.js';
import { createApp } from '../../src/http/app.js';
import { defineRoute, type AnyRoute } from '../../src/http/route.js';
import { authRoutes } from '../../src/http/routes/auth.js';
import { documentationRoutes } from '../../src/http/routes/documentation.js';
import { silentLogger } from '../../src/util/log.js';

describe('/docs in a browser', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: Server;
  let url: string;

  before(async () => {
    const none = {} as never;
    const routes: AnyRoute[] = [
      ...authRoutes({ auth: none, authenticator: none, store: none }),
      defineRoute({
        method: 'get',
        path: '/v1/odd',
        operationId: 'odd',
        summary: 'A summary with <script>alert(1)</script> and `code`',
        tags: ['misc'],
        query: z.object({ q: z.string().optional().describe('<img src=x onerror=alert(2)>') }),
        responses: { 200: { description: 'ok' } },
        async handle() {
          return { body: {} };
        },
      }),
    ];
    routes.push(...documentationRoutes({ routes: () => routes, errorCodes: errorRegistry, catalogue: openApiCatalogue() }));
    server = createServer(createApp({ routes, logger: silentLogger, errorCodes: errorRegistry })).listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  after(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  it('renders every operation, its codes and the catalogue, with no script and nothing from outside', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('request', (r) => !r.url().startsWith(url) && problems.push(`outside request: ${r.url()}`));
    const res = await page.goto(`${url}/docs`);
    assert.equal(res?.status(), 200);
    assert.match(res!.headers()['content-security-policy']!, /default-src 'none'/);
    assert.doesNotMatch(res!.headers()['content-security-policy']!, /script-src/);
    assert.equal(await page.locator('script').count(), 0);
    assert.equal(await page.locator('nav a[href="#createChallenge"]').count(), 1, 'a table of contents');
    const create = page.locator('section#createChallenge');
    assert.match(await create.innerText(), /Idempotency-Key/);
    assert.match(await create.innerText(), /idempotency_key_reused 422 · no/);
    assert.match(await page.locator('section#getChallenge').innerText(), /wait/);
    const row = await page.locator('tr#code-card_revoked').innerText();
    assert.match(row, /no/);
    assert.match(row, /[\u1780-\u17FF]/, 'the Khmer message');
    assert.match(await page.locator('section#odd').innerText(), /<script>alert\(1\)<\/script>/, 'shown as text, not run');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
