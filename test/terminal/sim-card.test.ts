// `cardauth terminal --sim-card <card file>` (the same terminal client drives
// the in-process card, so the embedded default needs no pcscd). The card file
// is a citizen card personalised as the issuance engine does it; the card is
// opened in this process, no pcscd. Its PIN counter is the card's NVM: after a
// run the file is read again (firmware-sim describeCard) to prove the change
// was written, as it is behind vpcd. First through runWith with the in-memory
// server, then as a real child process (`node src/cli/bin.js terminal`)
// against the real authentication app on the embedded registry (PGlite) and
// the in-process store, its result verified with npm `jose`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { describeCard, lockCardFile } from '../../firmware-sim/index.js';
import type { TerminalId } from '../../src/rp/ids.js';
import { runWith } from '../../src/cli/commands/terminal.js';
import type { CliIo } from '../../src/cli/io.js';
import { MemoryStore } from '../../src/store/memory.js';
import { systemClock } from '../../src/util/clock.js';
import { addRp, buildApp, makeCa, registerCard, type TestApp, type TestCa, type TestCard } from '../auth/support/fixture.js';
import { useDatabase } from '../registry/support/backends.js';
import { CITIZEN_PIN, cardFactory, fakeServer, useCardFactory, type CardFactory, type CitizenCard, type FakeServer } from './support.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _e: string, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

function io(stdinText: string, env: NodeJS.ProcessEnv = {}): CliIo & { out: Sink; err: Sink } {
  const stdin = new PassThrough();
  stdin.end(stdinText);
  const out = new Sink();
  const err = new Sink();
  return { stdin, stdout: out, stderr: err, env, out, err };
}

const REPO_ROOT = resolve(import.meta.dirname, '../..');

const lastLine = (text: string): string | undefined => text.trim().split('\n').at(-1);

/** Nothing of the run is left beside the card: no lock, no temporary file. */
function assertNothingBeside(file: string): void {
  assert.equal(existsSync(`${file}.lock`), false, 'the card file lock was released');
  const name = file.slice(dirname(file).length + 1);
  assert.deepEqual(readdirSync(dirname(file)).filter((n) => n.startsWith(`.${name}.`)), [], 'no temporary card file left');
}

describe('cardauth terminal --sim-card (in-process card from its file)', function () {
  this.timeout(60_000);
  let cards: CardFactory;
  let server: FakeServer;
  let citizen: CitizenCard;

  useCardFactory((c) => (cards = c));
  beforeEach(async () => {
    server = fakeServer();
    citizen = await cards.citizenCard();
  });

  // PC/SC must not be touched when the card comes from a file.
  const deps = () => ({
    openReaders: async () => {
      throw new Error('PC/SC opened although --sim-card was given');
    },
    fetch: server.fetch,
  });
  const args = (file: string, id: string, ...more: string[]) => ['--sim-card', file, '--server', server.url, '--challenge', id, '--terminal-id', 'atm-1', ...more];
  const env = () => ({ CARDAUTH_RP_KEY: server.credential });

  it('the right PIN: the screen, the result, exit 0; the card file is intact and unlocked afterwards', async () => {
    const ch = await server.create({ terminalId: 'atm-1' as TerminalId, transaction: { amount: '25000.00', currency: 'KHR', payee: 'Phnom Penh Water Supply' } });
    const x = io(`${CITIZEN_PIN}\n`, env());
    assert.equal(await runWith(args(citizen.file, ch.id), x, deps()), 0, x.out.text + x.err.text);
    assert.match(x.out.text, /Amount: +25,000\.00 KHR/);
    assert.match(x.out.text, /^result: eyJ/m);
    assert.ok(server.accepted.has(ch.id));
    // The certificate the terminal read is the one on the card in the file.
    assert.deepEqual(new Uint8Array(server.accepted.get(ch.id)!.certificate), citizen.certificateDer);
    assert.ok(!(x.out.text + x.err.text).includes(CITIZEN_PIN));
    assert.equal((await describeCard(citizen.file)).pin.triesLeft, 3);
    assertNothingBeside(citizen.file);
  });

  it('a wrong PIN: error: pin_wrong, exit 1, and the decremented try counter is in the file; the right PIN restores it', async () => {
    let ch = await server.create({ terminalId: 'atm-1' as TerminalId });
    let x = io('000000\n', env());
    assert.equal(await runWith(args(citizen.file, ch.id), x, deps()), 1, x.out.text + x.err.text);
    assert.match(x.out.text, /Wrong PIN\. 2 tries left\./);
    assert.equal(lastLine(x.err.text), 'error: pin_wrong');
    assert.deepEqual((await describeCard(citizen.file)).pin, { triesLeft: 2, maxTries: 3, isDefault: false, blocked: false });
    assertNothingBeside(citizen.file);

    // A new run opens the file again: the card still knows it has 2 tries left.
    ch = await server.create({ terminalId: 'atm-1' as TerminalId });
    x = io('111111\n', env());
    assert.equal(await runWith(args(citizen.file, ch.id), x, deps()), 1);
    assert.match(x.out.text, /Wrong PIN\. 1 try left/);
    assert.equal((await describeCard(citizen.file)).pin.triesLeft, 1);

    ch = await server.create({ terminalId: 'atm-1' as TerminalId });
    x = io(`${CITIZEN_PIN}\n`, env());
    assert.equal(await runWith(args(citizen.file, ch.id), x, deps()), 0, x.out.text + x.err.text);
    assert.equal((await describeCard(citizen.file)).pin.triesLeft, 3);
  });

  it('three wrong PINs block the card in its file: pin_blocked, and the right PIN no longer helps', async () => {
    let ch = await server.create({ terminalId: 'atm-1' as TerminalId });
    let x = io('000000\n111111\n222222\n', env());
    assert.equal(await runWith(args(citizen.file, ch.id), x, deps()), 1);
    assert.match(x.out.text, /Your PIN is blocked/);
    assert.equal(lastLine(x.err.text), 'error: pin_blocked');
    assert.equal((await describeCard(citizen.file)).pin.blocked, true);

    ch = await server.create({ terminalId: 'atm-1' as TerminalId });
    x = io(`${CITIZEN_PIN}\n`, env());
    assert.equal(await runWith(args(citizen.file, ch.id), x, deps()), 1);
    assert.equal(lastLine(x.err.text), 'error: pin_blocked');
    assert.equal(server.accepted.size, 0);
    assertNothingBeside(citizen.file);
  });

  it('usage: --sim-card with --reader, neither of them, an empty file name (exit 2, nothing opened, no request)', async () => {
    const cases: string[][] = [
      ['--sim-card', citizen.file, '--reader', 'Some reader', '--server', server.url, '--challenge', 'ch_a'],
      ['--server', server.url, '--challenge', 'ch_a'],
      ['--sim-card', '', '--server', server.url, '--challenge', 'ch_a'],
      ['--sim-card', citizen.file, '--challenge', 'ch_a'],
    ];
    const before = readFileSync(citizen.file);
    for (const a of cases) {
      await assert.rejects(runWith(a, io('', env()), deps()), (e: { code?: string; exitCode?: number }) => e.code === 'usage' && e.exitCode === 2, a.join(' '));
    }
    assert.equal(server.requests.length, 0);
    assert.deepEqual(readFileSync(citizen.file), before);
    assertNothingBeside(citizen.file);
  });

  it('a missing file, a file that is not a card, a directory: card_file_unreadable / card_file_invalid, exit 1, files untouched', async () => {
    const dir = join(cards.dir, 'not-cards');
    mkdirSync(dir, { recursive: true });
    const junk = join(dir, 'junk.card');
    writeFileSync(junk, '{"format":"firmware-sim/card@1","serial":"twelve"}');
    const cases: Array<[string, string]> = [
      [join(dir, 'missing.card'), 'card_file_unreadable'],
      [join(dir, 'no-such-dir', 'x.card'), 'card_file_unreadable'],
      [junk, 'card_file_invalid'],
      [dir, 'card_file_invalid'],
    ];
    for (const [file, code] of cases) {
      const ch = await server.create({ terminalId: 'atm-1' as TerminalId });
      const x = io(`${CITIZEN_PIN}\n`, env());
      assert.equal(await runWith(args(file, ch.id), x, deps()), 1, file);
      assert.equal(lastLine(x.err.text), `error: ${code}`, file);
      assert.ok(!x.err.text.includes(CITIZEN_PIN));
    }
    assert.equal(readFileSync(junk, 'utf8'), '{"format":"firmware-sim/card@1","serial":"twelve"}');
    assert.deepEqual(readdirSync(dir).sort(), ['junk.card']);
    assert.equal(server.accepted.size, 0);
  });
});

interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cardauth(args: string[], env: NodeJS.ProcessEnv, stdin: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'src/cli/bin.js'), ...args], { env: { ...process.env, ...env }, cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('cardauth terminal --sim-card as a child process, against the real auth app on the embedded registry (PGlite, in-process store)', function () {
  this.timeout(120_000);
  const h = useDatabase('pglite');
  let ca: TestCa;
  let cards: CardFactory;
  let t: TestApp;
  let http: Server;
  let base: string;
  let rpKey: string;
  let rpId: string;
  let citizen: CitizenCard;
  const TERMINAL = 'kiosk-7';

  before(async () => {
    ca = await makeCa();
    cards = cardFactory(ca.ca);
    citizen = await cards.citizenCard();
    // Recorded as issuance records it (registerCard reads the certificate, its
    // serial, the national id and the card serial only).
    await registerCard(h.db, { der: Buffer.from(citizen.certificateDer), serialHex: citizen.serialHex, nationalId: citizen.nationalId, cardSerial: citizen.serial } as unknown as TestCard);
    t = await buildApp({ ca: ca.ca, db: h.db, store: new MemoryStore(), clock: systemClock });
    http = t.app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => http.once('listening', () => r()));
    base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
    const rp = await addRp(h.db, { terminals: [TERMINAL] });
    rpKey = rp.credential.token;
    rpId = rp.rp.id;
  });

  after(async () => {
    await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
    cards?.cleanup();
    await ca?.cleanup();
  });

  async function createChallenge(): Promise<string> {
    const res = await fetch(`${base}/v1/auth/challenges`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rpKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ terminalId: TERMINAL, transaction: { amount: '25000.00', currency: 'KHR', payee: 'Commune Hall Fees', reference: 'CH-0007' } }),
    });
    assert.equal(res.status, 201);
    return String(((await res.json()) as { id: unknown }).id);
  }

  const run = (id: string, pinLines: string): Promise<RunResult> =>
    cardauth(['terminal', '--sim-card', citizen.file, '--server', base, '--challenge', id], { CARDAUTH_RP_KEY: rpKey, CARDAUTH_DATA_DIR: cards.dir }, pinLines);

  it('a wrong PIN is counted in the file by the child; then the right PIN completes the challenge and jose verifies the result offline', async () => {
    let r = await run(await createChallenge(), '000000\n');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^error: pin_wrong$/m);
    assert.equal((await describeCard(citizen.file)).pin.triesLeft, 2);
    assertNothingBeside(citizen.file);

    const id = await createChallenge();
    r = await run(id, `${CITIZEN_PIN}\n`);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Amount: +25,000\.00 KHR/);
    const jws = /^result: (\S+)$/m.exec(r.stdout)?.[1];
    assert.ok(jws, r.stdout);
    const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(jws, createLocalJWKSet(jwks), { audience: rpId, algorithms: ['ES256'] });
    assert.equal(payload.jti, id);
    assert.equal(payload.card_serial, String(citizen.serial));
    assert.equal(payload.pinVerified, 'on-card');
    assert.equal((await describeCard(citizen.file)).pin.triesLeft, 3);
    assert.ok(!(r.stdout + r.stderr + t.log.text()).includes(CITIZEN_PIN), 'the PIN is in no output and no service log');
    assertNothingBeside(citizen.file);
  });

  it('a card file held by another process (as firmware-sim run holds it): card_file_in_use, exit 1, the card untouched', async () => {
    const before = readFileSync(citizen.file);
    const lock = await lockCardFile(citizen.file);
    try {
      const r = await run(await createChallenge(), `${CITIZEN_PIN}\n`);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /^error: card_file_in_use$/m);
      assert.deepEqual(readFileSync(citizen.file), before);
      assert.ok(existsSync(`${citizen.file}.lock`), 'the other process keeps its lock');
    } finally {
      await lock.release();
    }
  });
});
