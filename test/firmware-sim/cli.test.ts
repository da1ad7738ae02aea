// The `firmware-sim` command as operators and scripts use it:
// manufacture, show, factory-root, run; errors are one message and a non-zero exit.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIRMWARE_SIM_BIN, REPO_ROOT, runTool, waitFor } from '../support/pcsc.js';
import { factoryRootPem } from '../../firmware-sim/index.js';

describe('firmware-sim CLI', function () {
  this.timeout(60_000);
  let dir: string;
  const sim = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runTool(process.execPath, [FIRMWARE_SIM_BIN, ...args], { cwd: dir, env: { ...process.env, ...env } });
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'cardauth-cli-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('manufacture → show → factory-root, with the factory directory from --factory-dir or the environment', async () => {
    const factory = join(dir, 'factory');
    let r = await sim(['manufacture', '--serial', '31337', '--out', join(dir, 'a.json'), '--factory-dir', factory]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(factory).mode & 0o777, 0o700);
    assert.equal(statSync(join(factory, 'root', 'key.pem')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'a.json')).mode & 0o777, 0o600);
    r = await sim(['show', join(dir, 'a.json')]);
    assert.equal(r.code, 0, r.stderr);
    const shown = JSON.parse(r.stdout);
    assert.equal(shown.serial, 31337);
    assert.equal(shown.pin.triesLeft, 3);
    assert.equal(shown.managementKey.isDefault, true);
    assert.doesNotMatch(r.stdout, /"(hash|salt|key|d|pkcs8)"\s*:/);
    r = await sim(['factory-root'], { FIRMWARE_SIM_FACTORY_DIR: factory });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, await factoryRootPem(factory));
    const root = new X509Certificate(r.stdout);
    assert.ok(root.ca);
    assert.equal(root.subject, 'O=cardauth firmware-sim\nCN=firmware-sim PIV Root CA');
    // The default factory directory is <cwd>/.data/factory.
    r = await sim(['factory-root']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, readFileSync(join(dir, '.data', 'factory', 'root', 'cert.pem'), 'utf8'));
  });

  it('errors: existing card file, bad serial, missing file, unknown command, missing arguments', async () => {
    const out = join(dir, 'b.json');
    assert.equal((await sim(['manufacture', '--serial', '1', '--out', out, '--factory-dir', join(dir, 'f')])).code, 0);
    let r = await sim(['manufacture', '--serial', '2', '--out', out, '--factory-dir', join(dir, 'f')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /already exists/);
    for (const serial of ['0', '-5', 'abc', '4294967296']) {
      r = await sim(['manufacture', '--serial', serial, '--out', join(dir, `s${serial}.json`), '--factory-dir', join(dir, 'f')]);
      assert.notEqual(r.code, 0, serial);
      assert.match(r.stderr, /serial/);
    }
    r = await sim(['show', join(dir, 'missing.json')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ENOENT|no such file/);
    r = await sim(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command/);
    r = await sim(['manufacture', '--serial', '3']);
    assert.equal(r.code, 2);
    r = await sim(['run', out, '--vpcd-port', '99999']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /invalid port/);
  });

  it('run: prints one readiness line when the reader connects and exits 0 on SIGTERM', async () => {
    const out = join(dir, 'c.json');
    assert.equal((await sim(['manufacture', '--serial', '77', '--out', out, '--factory-dir', join(dir, 'f')])).code, 0);
    const server = createServer((s) => s.on('error', () => undefined));
    const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)));
    const child = spawn(process.execPath, [FIRMWARE_SIM_BIN, 'run', out, '--vpcd-port', String(port)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await waitFor(() => stdout.includes('\n'), { what: 'readiness line' });
    assert.equal(stdout, `ready port=${port} serial=77\n`);
    // The same card cannot be run twice at once.
    const second = await sim(['run', out, '--vpcd-port', String(port)]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`in use by process ${child.pid}`));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.equal(existsSync(`${out}.lock`), false, 'lock released');
    await new Promise<void>((r) => server.close(() => r()));
  });
});
