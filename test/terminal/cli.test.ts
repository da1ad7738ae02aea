// `cardauth terminal` driven in-process: the command table entry, usage and
// credential errors, and a full --challenge <id> run (challenge read from the
// server by id) with in-process readers, the in-memory server and the PIN on a
// non-TTY standard input. The same command over pcscd as a child process is
// in test/e2e/terminal-pcscd.test.ts.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { VirtualCard } from '../../firmware-sim/index.js';
import type { TerminalId } from '../../src/rp/ids.js';
import { InProcessReaders } from '../../src/card/in-process.js';
import { runWith } from '../../src/cli/commands/terminal.js';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { CITIZEN_PIN, useCardFactory, fakeServer, type CardFactory, type FakeServer } from './support.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _e: string, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

const READER = 'Counter reader';

function io(stdinText: string, env: NodeJS.ProcessEnv = {}): CliIo & { out: Sink; err: Sink } {
  const stdin = new PassThrough();
  stdin.end(stdinText);
  const out = new Sink();
  const err = new Sink();
  return { stdin, stdout: out, stderr: err, env, out, err };
}

describe('cardauth terminal (in-process)', function () {
  this.timeout(60_000);
  let cards: CardFactory;
  let server: FakeServer;
  let readers: InProcessReaders;
  let card: VirtualCard;

  useCardFactory((c) => (cards = c));
  beforeEach(async () => {
    server = fakeServer();
    card = (await cards.citizenCard()).card;
    readers = new InProcessReaders([READER]);
  });
  afterEach(async () => {
    await readers.close();
  });

  // Each run opens (and at its end closes) its own reader set, as the CLI does with pcscd.
  const deps = () => ({
    openReaders: async () => {
      readers = new InProcessReaders([READER]);
      await readers.insert(READER, card);
      return readers;
    },
    fetch: server.fetch,
  });
  const args = (id: string) => ['--reader', READER, '--server', server.url, '--challenge', id, '--terminal-id', 'atm-1'];

  it('is in the command table and prints its usage', async () => {
    const x = io('');
    assert.equal(await main(['terminal', '--help'], x), 0);
    assert.match(x.out.text, /cardauth terminal --reader <name> --server <url>/);
    assert.match(x.out.text, /CARDAUTH_RP_KEY/);
  });

  it('completes a challenge read by id, PIN from standard input; prints the screen and the result, exit 0', async () => {
    const ch = await server.create({ terminalId: 'atm-1' as TerminalId, transaction: { amount: '25000.00', currency: 'KHR', payee: 'Phnom Penh Water Supply' } });
    const x = io(`${CITIZEN_PIN}\n`, { CARDAUTH_RP_KEY: server.credential });
    assert.equal(await runWith(args(ch.id), x, deps()), 0, x.out.text + x.err.text);
    assert.match(x.out.text, /Amount: +25,000\.00 KHR/);
    assert.match(x.out.text, /^result: eyJ/m);
    assert.match(x.err.text, /Enter your PIN \(from standard input\)/);
    assert.ok(server.accepted.has(ch.id));
    assert.ok(!(x.out.text + x.err.text).includes(CITIZEN_PIN));
  });

  it('takes the credential from --rp-key-file (a leading "Bearer " is accepted)', async () => {
    const ch = await server.create({ terminalId: 'atm-1' as TerminalId });
    const file = join(cards.dir, 'rp.key');
    writeFileSync(file, `Bearer ${server.credential}\n`);
    const x = io(`${CITIZEN_PIN}\n`);
    assert.equal(await runWith([...args(ch.id), '--rp-key-file', file], x, deps()), 0, x.err.text);
  });

  it('exits 1 with error: <code>: wrong PIN, server refusal, unknown challenge, unreachable server', async () => {
    const env = { CARDAUTH_RP_KEY: server.credential };
    let ch = await server.create({ terminalId: 'atm-1' as TerminalId });
    let x = io('000000\n', env);
    assert.equal(await runWith(args(ch.id), x, deps()), 1);
    assert.match(x.out.text, /Wrong PIN\. 2 tries left\./);
    assert.equal(x.err.text.trim().split('\n').at(-1), 'error: pin_wrong');

    server.mode = { kind: 'refuse', status: 401, code: 'card_revoked' };
    ch = await server.create({ terminalId: 'atm-1' as TerminalId });
    x = io(`${CITIZEN_PIN}\n`, env);
    assert.equal(await runWith(args(ch.id), x, deps()), 1);
    assert.equal(x.err.text.trim().split('\n').at(-1), 'error: card_revoked');

    server.mode = { kind: 'normal' };
    x = io(`${CITIZEN_PIN}\n`, env);
    assert.equal(await runWith(args('ch_CCCCCCCCCCCCCCCCCCCCCC'), x, deps()), 1);
    assert.equal(x.err.text.trim(), 'error: challenge_not_found');

    server.mode = { kind: 'network' };
    x = io(`${CITIZEN_PIN}\n`, env);
    assert.equal(await runWith(args(ch.id), x, deps()), 1);
    assert.equal(x.err.text.trim(), 'error: server_unavailable');
  });

  it('a wrong PIN, then the end of input: "Wrong PIN. 2 tries left." is printed once, error: pin_wrong', async () => {
    const env = { CARDAUTH_RP_KEY: server.credential };
    const ch = await server.create({ terminalId: 'atm-1' as TerminalId });
    const x = io('000000\n', env);
    assert.equal(await runWith(args(ch.id), x, deps()), 1, x.out.text + x.err.text);
    assert.equal(x.out.text.match(/Wrong PIN\. 2 tries left\./g)?.length, 1, x.out.text);
    assert.equal(x.err.text.trim().split('\n').at(-1), 'error: pin_wrong');
    assert.equal(server.requests.filter((r) => r.method === 'POST').length, 0, 'nothing was sent');
  });

  it('--pin-attempts 1: one wrong PIN ends the run (the next line is not used), its message printed once', async () => {
    const env = { CARDAUTH_RP_KEY: server.credential };
    const ch = await server.create({ terminalId: 'atm-1' as TerminalId });
    const x = io(`000000\n${CITIZEN_PIN}\n`, env);
    assert.equal(await runWith([...args(ch.id), '--pin-attempts', '1'], x, deps()), 1, x.out.text + x.err.text);
    assert.equal(x.out.text.match(/Wrong PIN\. 2 tries left\./g)?.length, 1, x.out.text);
    assert.equal(x.err.text.match(/Enter your PIN/g)?.length, 1, 'asked once');
    assert.equal(x.err.text.trim().split('\n').at(-1), 'error: pin_wrong');
    assert.ok(!server.accepted.has(ch.id));
  });

  it('a challenge the RP cancelled: says it was cancelled (not "failed"), error: challenge_cancelled; before the PIN and after it', async () => {
    const env = { CARDAUTH_RP_KEY: server.credential };
    // Cancelled before the terminal read it: no card, no PIN.
    let ch = await server.create({ terminalId: 'atm-1' as TerminalId });
    server.cancel(ch.id);
    let x = io(`${CITIZEN_PIN}\n`, env);
    assert.equal(await runWith(args(ch.id), x, deps()), 1, x.out.text + x.err.text);
    assert.match(x.out.text, /cancelled by the bank or payment point/);
    assert.doesNotMatch(x.out.text, /failed/);
    assert.equal(x.err.text.trim(), 'error: challenge_cancelled');
    // Cancelled while the citizen typed the PIN: the service refuses the signed response.
    ch = await server.create({ terminalId: 'atm-1' as TerminalId });
    const fetchThenCancel = (async (resource: string | URL | Request, init?: RequestInit) => {
      if (init?.method === 'POST') server.cancel(ch.id);
      return server.fetch(resource, init);
    }) as typeof fetch;
    x = io(`${CITIZEN_PIN}\n`, env);
    assert.equal(await runWith(args(ch.id), x, { ...deps(), fetch: fetchThenCancel }), 1, x.out.text + x.err.text);
    assert.match(x.out.text.trim().split('\n').at(-1)!, /cancelled by the bank or payment point/);
    assert.equal(x.err.text.trim().split('\n').at(-1), 'error: challenge_cancelled');
  });

  it('usage errors: missing options, both challenge forms, no credential, a bad URL (exit 2, no card touched)', async () => {
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [['--reader', READER], { CARDAUTH_RP_KEY: 'k' }, /required/],
      [['--reader', READER, '--server', 'http://x', '--challenge', 'ch_a', '--challenge-file', '/tmp/x'], { CARDAUTH_RP_KEY: 'k' }, /one of/],
      [['--reader', READER, '--server', 'http://x', '--challenge', 'ch_a'], {}, /CARDAUTH_RP_KEY/],
      [['--reader', READER, '--server', 'not a url', '--challenge', 'ch_a'], { CARDAUTH_RP_KEY: 'k' }, /not a URL/],
      [['--reader', READER, '--server', 'http://x', '--challenge', 'ch_a', '--pin', '123456'], { CARDAUTH_RP_KEY: 'k' }, /Unknown option/],
    ];
    for (const [a, env, message] of cases) {
      const x = io('', env);
      await assert.rejects(runWith(a, x, deps()), (e: { code?: string; exitCode?: number; message: string }) => e.code === 'usage' && e.exitCode === 2 && message.test(e.message));
    }
    assert.equal(server.requests.length, 0);
  });
});
