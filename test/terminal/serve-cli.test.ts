// `cardauth terminal serve` (src/cli/commands/terminal-serve.ts): what it
// refuses before it serves anything — a non-loopback --listen, the RP-wide
// key, another terminal's key — and, with its own key, a page on loopback
// that shows the terminal idle with the simulated card in, while it waits
// for work (the service here is a stand-in that answers /v1/rp/me and the
// long poll, and records what the terminal asked).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manufactureCard } from '../../firmware-sim/index.js';
import { runWith } from '../../src/cli/commands/terminal-serve.js';
import { cliIo } from '../support/cli-io.js';

describe('cardauth terminal serve', function () {
  this.timeout(30_000);
  let dir: string;
  let cardFile: string;
  let service: Server;
  let serviceUrl: string;
  let me: Record<string, unknown> = {};
  const asked: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cardauth-terminal-serve-'));
    cardFile = join(dir, 'card.json');
    await manufactureCard({ serial: 61_000_001, out: cardFile, factoryDir: join(dir, 'factory') });
    service = createServer((req, res) => {
      asked.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.setHeader('content-type', 'application/json');
      if (req.url === '/v1/rp/me') return void res.end(JSON.stringify(me));
      if (req.url?.startsWith('/v1/auth/terminals/kiosk-7/next-challenge')) {
        // Nothing to do: answer after a moment, as a long poll does.
        setTimeout(() => {
          res.statusCode = 204;
          res.end();
        }, 200);
        return;
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ code: 'not_found' }));
    });
    await new Promise<void>((r) => service.listen(0, '127.0.0.1', () => r()));
    serviceUrl = `http://127.0.0.1:${(service.address() as { port: number }).port}`;
  });
  after(async () => {
    service.closeAllConnections();
    await new Promise<void>((r) => service.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  const args = (...more: string[]) => ['--server', serviceUrl, '--terminal-id', 'kiosk-7', '--sim-card', cardFile, ...more];
  const env = { CARDAUTH_RP_KEY: 'rpk_terminalkey.secret', CARDAUTH_LOG_LEVEL: 'error' };

  it('refuses a --listen address that is not loopback', async () => {
    for (const listen of ['0.0.0.0:8090', '192.168.1.20:8090', 'localhost:8090']) {
      await assert.rejects(runWith(args('--listen', listen), cliIo(env), { stop: Promise.resolve() }), (e: { code?: string; exitCode?: number; message?: string }) => {
        return e.code === 'usage' && e.exitCode === 2 && /loopback/.test(e.message ?? '');
      });
    }
  });

  it("refuses the RP-wide key and another terminal's key", async () => {
    me = { id: 'rp_test', name: 'Test Bank', terminals: ['kiosk-7'] };
    await assert.rejects(runWith(args('--listen', '127.0.0.1:0'), cliIo(env), { stop: Promise.resolve() }), (e: { code?: string }) => e.code === 'terminal_key_required');
    me = { id: 'rp_test', name: 'Test Bank', terminals: ['kiosk-7', 'kiosk-8'], terminal: 'kiosk-8' };
    await assert.rejects(runWith(args('--listen', '127.0.0.1:0'), cliIo(env), { stop: Promise.resolve() }), (e: { code?: string }) => e.code === 'terminal_not_allowed');
  });

  it('with its own key: the page on loopback shows the terminal idle, card in, while it waits for work', async () => {
    me = { id: 'rp_test', name: 'Test Bank', terminals: ['kiosk-7'], terminal: 'kiosk-7' };
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    let url = '';
    const io = cliIo(env);
    const running = runWith(args('--listen', '127.0.0.1:0', '--language', 'en'), io, { stop: stopped, onReady: (u) => (url = u) });
    while (url === '') await new Promise((r) => setTimeout(r, 20));
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.match(io.out(), /terminal kiosk-7: the citizen's screen is on http:\/\/127\.0\.0\.1:\d+\//);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    // The state the page is sent: idle, the simulated card in its reader, the service answering.
    const snapshot = await new Promise<{ state: { screen: string; card: boolean; service: string }; language: string; simCard: { present: boolean } }>((resolve, reject) => {
      const req = request(new URL('/events', url), (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => {
          text += d;
          for (const m of text.matchAll(/event: state\ndata: (.+)\n\n/g)) {
            const s = JSON.parse(m[1]!);
            if (s.state.service === 'ok' && s.state.card === true) {
              req.destroy();
              resolve(s);
            }
          }
        });
      });
      req.on('error', (e) => (/socket hang up|aborted/.test(e.message) ? undefined : reject(e)));
      req.end();
    });
    assert.deepEqual([snapshot.state.screen, snapshot.language, snapshot.simCard.present], ['idle', 'en', true]);
    assert.ok(asked.some((a) => /^GET \/v1\/auth\/terminals\/kiosk-7\/next-challenge\?wait=25 Bearer rpk_terminalkey\.secret$/.test(a)), asked.join('\n'));
    stop();
    assert.equal(await running, 0);
    // Stopped: the page is gone and the card file is free again.
    await assert.rejects(fetch(url));
  });
});
