// What the citizen's page is told (src/terminal/screen/screen-state.ts,
// present-amount.ts): the amount as a figure with the currency's sign and
// exact with its code, never rounded; how each way a run ends reads; and the
// terminal waiting for work while the service is down, then back.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { InProcessReaders } from '../../src/card/in-process.js';
import { presentAmount } from '../../src/terminal/screen/present-amount.js';
import { runTerminalScreen } from '../../src/terminal/screen/run-terminal-screen.js';
import { ScreenHub } from '../../src/terminal/screen/screen-hub.js';
import { outcomeView } from '../../src/terminal/screen/screen-state.js';

describe('terminal screen state', () => {
  it('shows the amount as a figure with its sign and exactly with its code', () => {
    assert.deepEqual(presentAmount('25000', 'KHR'), { figure: '៛25,000', exact: '25,000.00 KHR' });
    assert.deepEqual(presentAmount('25000.00', 'KHR'), { figure: '៛25,000', exact: '25,000.00 KHR' });
    assert.deepEqual(presentAmount('25000.50', 'KHR'), { figure: '៛25,000.50', exact: '25,000.50 KHR' });
    assert.deepEqual(presentAmount('12.5', 'USD'), { figure: '$12.50', exact: '12.50 USD' });
    assert.deepEqual(presentAmount('1500', 'JPY'), { figure: '1,500 JPY', exact: '1,500 JPY' }, 'no sign that could be read as yuan');
    // Not a fit for the currency: as received, in both.
    assert.deepEqual(presentAmount('1.005', 'USD'), { figure: '1.005 USD', exact: '1.005 USD' });
  });

  it('tells each ending apart, the server refusals the citizen can act on by name', () => {
    assert.deepEqual(outcomeView({ kind: 'completed', result: 'x', claims: {} }), { kind: 'approved' });
    assert.deepEqual(outcomeView({ kind: 'wrong-pin', triesLeft: 1 }), { kind: 'wrong-pin', triesLeft: 1 });
    assert.deepEqual(outcomeView({ kind: 'wrong-pin', triesLeft: 0 }), { kind: 'pin-blocked' }, 'the last try used is a blocked PIN');
    assert.deepEqual(outcomeView({ kind: 'pin-entry-cancelled' }), { kind: 'citizen-cancelled' });
    const refused = (code: string) => outcomeView({ kind: 'server-refused', code, status: 401, title: code });
    assert.deepEqual(refused('card_revoked'), { kind: 'card-revoked' });
    assert.deepEqual(refused('card_suspended'), { kind: 'card-suspended' });
    assert.deepEqual(refused('challenge_expired'), { kind: 'expired' });
    assert.deepEqual(refused('challenge_cancelled'), { kind: 'cancelled' });
    assert.deepEqual(refused('authentication_failed'), { kind: 'not-authenticated', code: 'authentication_failed' });
    assert.deepEqual(outcomeView({ kind: 'server-unavailable', detail: 'HTTP 503' }), { kind: 'unavailable' });
  });

  describe('waiting for work', () => {
    let service: Server;
    let url: string;
    let up = false;
    before(async () => {
      service = createServer((_req, res) => {
        if (!up) {
          res.statusCode = 503;
          res.setHeader('content-type', 'application/problem+json');
          return void res.end(JSON.stringify({ code: 'unavailable', title: 'down' }));
        }
        setTimeout(() => {
          res.statusCode = 204;
          res.end();
        }, 50);
      });
      await new Promise<void>((r) => service.listen(0, '127.0.0.1', () => r()));
      url = `http://127.0.0.1:${(service.address() as { port: number }).port}`;
    });
    after(async () => {
      service.closeAllConnections();
      await new Promise<void>((r) => service.close(() => r()));
    });

    it('shows the service as unreachable while it is down, and idle again when it answers', async () => {
      const hub = new ScreenHub('kiosk-1', 'en');
      const readers = new InProcessReaders(['reader']);
      const seen: string[] = [];
      hub.subscribe((s) => {
        if (s.state.screen === 'idle') seen.push(s.state.service);
      });
      const running = runTerminalScreen({ hub, server: { url, credential: 'k.s' }, terminalId: 'kiosk-1', readers, readerName: 'reader', waitSeconds: 1 });
      try {
        const until = async (f: () => boolean) => {
          for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 25));
          assert.ok(f());
        };
        await until(() => seen.includes('connecting') && hub.state.screen === 'idle');
        up = true;
        await until(() => hub.state.screen === 'idle' && hub.state.service === 'ok');
        assert.equal(hub.state.screen === 'idle' && hub.state.card, false, 'no card in the reader');
      } finally {
        await running.stop();
        await readers.close();
      }
    });
  });
});
