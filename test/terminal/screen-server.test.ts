// Who may talk to the citizen's page server (src/terminal/screen/screen-server.ts),
// and what happens to a PIN on its way in: real HTTP on loopback, requests
// written with node:http so Host and Origin are what an attacker would send.
//   - a strict CSP on every answer, no inline script in the page;
//   - a request naming another host (DNS rebinding) is refused;
//   - calls need this origin and the token of a connected page;
//   - the PIN is digits only, at most 8, handed to the waiting PIN request as
//     bytes, refused (and zeroed) when none waits;
//   - --listen takes loopback addresses only.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { parseListenAddress } from '../../src/terminal/screen/listen-address.js';
import { ScreenHub } from '../../src/terminal/screen/screen-hub.js';
import { startScreenServer, type RunningScreenServer } from '../../src/terminal/screen/screen-server.js';

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

describe('terminal screen server (loopback page, PIN in)', () => {
  let hub: ScreenHub;
  let server: RunningScreenServer;
  let port: number;
  let host: string;
  const removed: string[] = [];

  before(async () => {
    hub = new ScreenHub('kiosk-9', 'en');
    server = await startScreenServer({
      hub,
      host: '127.0.0.1',
      port: 0,
      simCard: {
        remove: async () => void removed.push('remove'),
        insert: async () => void removed.push('insert'),
      },
    });
    port = Number(new URL(server.url).port);
    host = `127.0.0.1:${port}`;
  });
  after(async () => {
    await server.close();
  });

  function send(method: string, path: string, headers: Record<string, string>, body?: Uint8Array): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers: { host, ...headers } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Open the event stream as a page does; resolves its token; close() hangs up. */
  function openPage(): Promise<{ token: string; firstState: { state: { screen: string } }; close(): void }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/events', headers: { host } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => {
          text += d;
          const hello = /event: hello\ndata: (.+)\n\n/.exec(text);
          const state = /event: state\ndata: (.+)\n\n/.exec(text);
          if (hello && state) resolve({ token: JSON.parse(hello[1]!).token, firstState: JSON.parse(state[1]!), close: () => req.destroy() });
        });
      });
      req.on('error', (e) => (/socket hang up|aborted/.test(e.message) ? undefined : reject(e)));
      req.end();
    });
  }

  const origin = () => `http://${host}`;
  const digits = (s: string) => Uint8Array.from(Buffer.from(s, 'ascii'));

  it('serves the page with a strict CSP and no inline script', async () => {
    const page = await send('GET', '/', {});
    assert.equal(page.status, 200);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.doesNotMatch(page.body, /<script>|<script [^>]*>[^<]|\son[a-z]+=/i, 'no inline script or handler');
    const js = await send('GET', '/screen.js', {});
    assert.match(String(js.headers['content-type']), /javascript/);
    const file = readFileSync(join(import.meta.dirname, '../../src/terminal/screen/page/screen.js'), 'utf8');
    assert.equal(js.body, file);
    assert.equal((await send('GET', '/../../package.json', {})).status, 404);
  });

  it('refuses a request that names another host (DNS rebinding)', async () => {
    const r = await send('GET', '/', { host: `evil.example:${port}` });
    assert.equal(r.status, 421);
    assert.equal((await send('GET', '/events', { host: 'evil.example' })).status, 421);
  });

  it('a page gets its token on the event stream; calls need it, and this origin', async () => {
    const page = await openPage();
    try {
      assert.equal(page.firstState.state.screen, 'idle');
      const pinRequest = hub.waitForPin();
      const noToken = await send('POST', '/pin', { origin: origin() }, digits('480913'));
      assert.deepEqual([noToken.status, JSON.parse(noToken.body).code], [403, 'bad_token']);
      const otherSite = await send('POST', '/pin', { origin: 'http://evil.example', 'x-screen-token': page.token }, digits('480913'));
      assert.deepEqual([otherSite.status, JSON.parse(otherSite.body).code], [403, 'cross_origin']);
      const noOrigin = await send('POST', '/pin', { 'x-screen-token': page.token }, digits('480913'));
      assert.equal(noOrigin.status, 403);
      const crossSite = await send('POST', '/pin', { origin: origin(), 'x-screen-token': page.token, 'sec-fetch-site': 'cross-site' }, digits('480913'));
      assert.equal(crossSite.status, 403);
      assert.equal(hub.pinRequested, true, 'no refused call reached the PIN request');

      const ok = await send('POST', '/pin', { origin: origin(), 'x-screen-token': page.token, 'sec-fetch-site': 'same-origin' }, digits('480913'));
      assert.equal(ok.status, 204);
      const pin = await pinRequest;
      assert.deepEqual(Buffer.from(pin!).toString('ascii'), '480913');
      pin!.fill(0);
    } finally {
      page.close();
    }
  });

  it('the token dies with its page', async () => {
    const page = await openPage();
    page.close();
    await new Promise((r) => setTimeout(r, 100));
    hub.waitForPin().then((p) => p?.fill(0));
    const r = await send('POST', '/pin', { origin: origin(), 'x-screen-token': page.token }, digits('480913'));
    assert.equal(r.status, 403);
    hub.cancelPin();
  });

  it('a PIN is 1 to 8 digits; nothing else is taken; none is taken when no PIN is asked for', async () => {
    const page = await openPage();
    try {
      const call = (body: string) => send('POST', '/pin', { origin: origin(), 'x-screen-token': page.token }, digits(body));
      const waiting = hub.waitForPin();
      for (const bad of ['', '12345a', '123456789', '12 3456', '１２３４５６']) {
        const r = await call(bad);
        assert.deepEqual([r.status, JSON.parse(r.body).code], [400, 'pin_format'], JSON.stringify(bad));
      }
      assert.equal(hub.pinRequested, true);
      assert.equal((await send('POST', '/cancel', { origin: origin(), 'x-screen-token': page.token })).status, 204);
      assert.equal(await waiting, null, 'Cancel answers the PIN request with nothing');
      const none = await call('480913');
      assert.deepEqual([none.status, JSON.parse(none.body).code], [409, 'no_pin_requested']);
    } finally {
      page.close();
    }
  });

  it('the simulated card controls need the page token too', async () => {
    assert.equal((await send('POST', '/sim/remove', { origin: origin() })).status, 403);
    const page = await openPage();
    try {
      assert.equal((await send('POST', '/sim/remove', { origin: origin(), 'x-screen-token': page.token })).status, 204);
      assert.equal((await send('POST', '/sim/insert', { origin: origin(), 'x-screen-token': page.token })).status, 204);
      assert.deepEqual(removed, ['remove', 'insert']);
    } finally {
      page.close();
    }
  });

  it('the page is served on loopback only', () => {
    assert.deepEqual(parseListenAddress('127.0.0.1:8090'), { host: '127.0.0.1', port: 8090 });
    assert.deepEqual(parseListenAddress('127.0.0.2:0'), { host: '127.0.0.2', port: 0 });
    assert.deepEqual(parseListenAddress('[::1]:8090'), { host: '::1', port: 8090 });
    for (const bad of ['0.0.0.0:8090', '192.168.1.20:8090', '[::]:8090', 'localhost:8090', 'kiosk.example:8090', '8090', '127.0.0.1', '127.0.0.1:99999']) {
      assert.throws(() => parseListenAddress(bad), Error, bad);
    }
  });
});
