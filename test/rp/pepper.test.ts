// The RP pepper master secret (src/rp/pepper.ts): created once, explicitly,
// where the data directory is initialised; loaded, never created, everywhere
// else. Load-only refusal names the file with a stable code; create-once keeps
// what is there (a data directory initialised before this rule keeps its
// pepper); creators racing in separate processes end up with one secret; and
// `cardauth rp add` against a data directory nobody initialised refuses
// without writing anything.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { cliIo } from '../support/cli-io.js';
import { errorRegistry } from '../../src/composition/error-registry.js';
import { createPeppers, derivePeppers, loadPeppers, pepperPath } from '../../src/rp/pepper.js';

// Loaded with import(), as in test/pki/cli-ca.test.ts: one copy of CliError.
const { main } = await import('../../src/cli/main.js');

const PEPPER_TS = resolve(import.meta.dirname, '../../src/rp/pepper.ts');


/** Every file and directory under `dir`, relative. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('rp pepper: created where the data directory is initialised, loaded everywhere else', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardauth-pepper-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the code is in the one registry', () => {
    assert.equal(errorRegistry['pepper_not_initialised']?.status, 503);
  });

  it('load-only: a missing pepper is pepper_not_initialised naming the file, and nothing is written', () => {
    const path = pepperPath(join(dir, 'data'));
    assert.throws(
      () => loadPeppers(path),
      (e: { code?: string; message?: string; detail?: { file?: string } }) =>
        e.code === 'pepper_not_initialised' && e.message!.includes(path) && e.detail?.file === path,
    );
    assert.deepEqual(tree(dir), [], 'not even the directory was created');
  });

  it('load-only: a file that does not hold a 32-byte secret is config_invalid', () => {
    const path = pepperPath(dir);
    mkdirSync(dirname(path));
    writeFileSync(path, Buffer.alloc(16).toString('base64') + '\n', { mode: 0o600 });
    assert.throws(() => loadPeppers(path), (e: { code?: string }) => e.code === 'config_invalid');
  });

  it('create-once: the first call creates a private file, later calls keep it, loading gives the same keys', () => {
    const path = pepperPath(dir);
    const first = createPeppers(path);
    assert.equal(first.created, true);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(dirname(path)).mode & 0o077, 0);
    const master = readFileSync(path, 'utf8');
    const second = createPeppers(path);
    assert.equal(second.created, false);
    assert.equal(readFileSync(path, 'utf8'), master, 'never replaced');
    assert.deepEqual(second.peppers, first.peppers);
    assert.deepEqual(loadPeppers(path), first.peppers);
    assert.notDeepEqual(first.peppers.apiSecret, first.peppers.subject, 'two independent keys');
    assert.deepEqual(readdirSync(dirname(path)), ['pepper.key'], 'no temporary file left behind');
  });

  it('a pepper written before this change (base64 line, any mode) keeps working, unchanged', () => {
    const path = pepperPath(dir);
    const master = randomBytes(32);
    mkdirSync(dirname(path));
    writeFileSync(path, master.toString('base64') + '\n', { mode: 0o644 });
    assert.deepEqual(loadPeppers(path), derivePeppers(master));
    assert.equal(statSync(path).mode & 0o777, 0o600, 'tightened to the service account');
    const kept = createPeppers(path);
    assert.equal(kept.created, false);
    assert.deepEqual(kept.peppers, derivePeppers(master));
  });

  it('creators racing in separate processes all get the one secret, and exactly one created it', async () => {
    // Each child loads the module, says "ready", and when told creates the
    // pepper of ROUNDS fresh data directories in the same order, so that the
    // processes race on each one (one try would mostly be won outright).
    const n = 4;
    const rounds = 200;
    const paths = Array.from({ length: rounds }, (_, i) => pepperPath(join(dir, `d${i}`)));
    const script =
      `import { createPeppers } from ${JSON.stringify(PEPPER_TS)};\n` +
      `const paths = ${JSON.stringify(paths)};\n` +
      `process.stdout.write('ready\\n');\n` +
      `process.stdin.once('data', () => { const out = paths.map((p) => { const r = createPeppers(p); ` +
      `return [r.created, r.peppers.apiSecret.toString('hex'), r.peppers.subject.toString('hex')]; }); ` +
      `process.stdout.write(JSON.stringify(out) + '\\n'); process.exit(0); });\n`;
    const children = Array.from({ length: n }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      const ready = new Promise<void>((res, rej) => {
        child.stdout.on('data', () => out.includes('ready\n') && res());
        child.once('exit', (code) => rej(new Error(`child exited ${code} before ready: ${err}`)));
      });
      const done = new Promise<string>((res, rej) => child.once('exit', (code) => (code === 0 ? res(out) : rej(new Error(`child exited ${code}: ${err}`)))));
      return { child, ready, done };
    });
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.child.stdin.end('go\n');
    const results = (await Promise.all(children.map((c) => c.done))).map(
      (out) => JSON.parse(out.split('\n').find((l) => l.startsWith('['))!) as Array<[boolean, string, string]>,
    );
    paths.forEach((path, i) => {
      const got = results.map((r) => r[i]!);
      assert.equal(got.filter(([created]) => created).length, 1, `exactly one creator wrote ${path}`);
      assert.equal(new Set(got.map(([, api]) => api)).size, 1, `one API-secret pepper for ${path}`);
      assert.equal(new Set(got.map(([, , sub]) => sub)).size, 1, `one subject pepper for ${path}`);
      assert.equal(loadPeppers(path).apiSecret.toString('hex'), got[0]![1]);
      assert.deepEqual(readdirSync(dirname(path)), ['pepper.key'], 'no temporary file left behind');
    });
  });

  it('cli: rp add with an empty data directory exits non-zero with pepper_not_initialised and writes nothing', async () => {
    const data = join(dir, 'empty');
    mkdirSync(data);
    const a = cliIo({ CARDAUTH_DATA_DIR: data });
    const code = await main(['rp', 'add', '--name', 'Wrong Dir Bank', '--terminal', 'atm-1'], a);
    assert.equal(code, 1);
    assert.match(a.err(), /\[pepper_not_initialised\]/);
    assert.ok(a.err().includes(pepperPath(data)), 'the message names the missing file');
    assert.doesNotMatch(a.out(), /secret/);
    assert.deepEqual(tree(data), [], 'no registry, no pepper, no passphrase');
    // Nor a data directory that does not exist yet.
    const missing = join(dir, 'never');
    const b = cliIo({ CARDAUTH_DATA_DIR: missing });
    assert.equal(await main(['rp', 'list'], b), 1);
    assert.match(b.err(), /\[pepper_not_initialised\]/);
    assert.equal(existsSync(missing), false);
  });

  it('cli: ca init creates the pepper; a refused second ca init leaves it alone', async () => {
    const env = { CARDAUTH_DATA_DIR: join(dir, 'data'), CARDAUTH_KEY_PASSPHRASE: 'pepper test key store passphrase' };
    const a = cliIo(env);
    assert.equal(await main(['ca', 'init'], a), 0, a.err());
    const path = pepperPath(join(dir, 'data'));
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.match(a.out(), /relying-party pepper created/);
    const master = readFileSync(path, 'utf8');
    const b = cliIo(env);
    assert.equal(await main(['ca', 'init'], b), 3);
    assert.match(b.err(), /\[ca_already_initialised\]/);
    assert.equal(readFileSync(path, 'utf8'), master);
    // A refused init of a data directory that has a CA but no pepper (copied
    // without it) does not make one up either.
    rmSync(path);
    const c = cliIo(env);
    assert.equal(await main(['ca', 'init'], c), 3);
    assert.equal(existsSync(path), false);
  });
});
