// The deployment files hold on plain Debian, since this machine has no
// container engine to build them: every file the Dockerfile copies exists, its
// apt packages resolve, its production install (`npm ci --omit=dev`, no
// development dependency) starts the service and answers; compose.yaml names
// only settings the code reads, files that exist, and Redis with an
// append-only file; scripts/hsm-init.sh creates the PKCS#11 token once.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../support/run-bin.js';

const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
const compose = readFileSync(join(REPO, 'compose.yaml'), 'utf8');

/** Instructions with their continuation lines joined. */
function instructions(text: string): Array<{ op: string; args: string }> {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

function sourceText(): string {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const n of readdirSync(dir)) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') || p.endsWith('.sh')) files.push(p);
    }
  };
  for (const d of ['src', 'pki', 'scripts']) walk(join(REPO, d));
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

describe('deployment files on plain Debian', function () {
  this.timeout(600_000);

  it('every file the Dockerfile copies exists, and its apt packages resolve', () => {
    const ins = instructions(dockerfile);
    const copies = ins.filter((i) => i.op === 'COPY').flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    assert.ok(copies.length >= 4, `COPY instructions found: ${copies.join(' ')}`);
    for (const c of copies) assert.ok(existsSync(join(REPO, c)), `COPY ${c}: missing`);
    const apt = ins.find((i) => i.op === 'RUN' && /apt-get install/.test(i.args))!.args;
    const packages = apt
      .split('apt-get install')[1]!
      .split('&&')[0]!
      .split(/\s+/)
      .filter((w) => w !== '' && !w.startsWith('-'));
    assert.ok(packages.includes('softhsm2') && packages.includes('pcscd'), packages.join(' '));
    // Simulated: resolves every name against this machine's Debian without changing it.
    execFileSync('apt-get', ['install', '-s', '--no-install-recommends', ...packages], { stdio: 'pipe' });
  });

  it('compose.yaml names only settings the code reads, files that exist, and Redis with an append-only file', () => {
    const code = sourceText();
    const names = [...new Set([...compose.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!))].filter((n) => !n.startsWith('POSTGRES_'));
    assert.ok(names.includes('CARDAUTH_KEY_STORE'), names.join(' '));
    const fileVariant = (n: string) => n.endsWith('_FILE') && (code.includes(`'${n.slice(0, -5)}'`) || code.includes(`${n.slice(0, -5)}_FILE`));
    for (const n of names) assert.ok(code.includes(n) || fileVariant(n), `compose.yaml sets ${n}, which nothing reads`);
    for (const m of compose.matchAll(/"(scripts\/[^"]+)"/g)) assert.ok(existsSync(join(REPO, m[1]!)), `${m[1]} missing`);
    assert.match(compose, /"--appendonly", "yes"/);
    assert.match(compose, /build: \./);
  });

  it('scripts/hsm-init.sh creates the PKCS#11 token once and finds it the second time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardauth-hsm-'));
    try {
      writeFileSync(join(dir, 'softhsm2.conf'), `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\n`);
      writeFileSync(join(dir, 'pin'), '48291573');
      const env = { ...process.env, SOFTHSM2_CONF: join(dir, 'softhsm2.conf'), CARDAUTH_PKCS11_TOKEN: 'cardauth-test', CARDAUTH_PKCS11_PIN_FILE: join(dir, 'pin'), CARDAUTH_TOKEN_OWNER: 'root' };
      const script = join(REPO, 'scripts/hsm-init.sh');
      assert.match(execFileSync('bash', [script], { env, encoding: 'utf8' }), /token 'cardauth-test' created/);
      assert.match(execFileSync('bash', [script], { env, encoding: 'utf8' }), /token 'cardauth-test' exists/);
      assert.match(execFileSync('softhsm2-util', ['--show-slots'], { env, encoding: 'utf8' }), /Label:\s+cardauth-test/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the production install (npm ci --omit=dev, the Dockerfile\'s files only) starts the service, which answers', async () => {
    const app = mkdtempSync(join(tmpdir(), 'cardauth-image-'));
    const data = mkdtempSync(join(tmpdir(), 'cardauth-image-data-'));
    try {
      for (const f of ['package.json', 'package-lock.json']) cpSync(join(REPO, f), join(app, f));
      for (const i of instructions(dockerfile).filter((x) => x.op === 'COPY')) {
        const [src] = i.args.split(/\s+/);
        if (src !== 'package.json') cpSync(join(REPO, src!), join(app, src!), { recursive: true });
      }
      execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: app, stdio: 'pipe' });
      assert.ok(!existsSync(join(app, 'node_modules/mocha')), 'no development dependency in the image');
      const child = spawn(process.execPath, ['src/cli/bin.js', 'serve'], {
        cwd: app,
        env: { PATH: process.env.PATH, HOME: data, CARDAUTH_DATA_DIR: data, CARDAUTH_HOST: '127.0.0.1', CARDAUTH_PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      try {
        const url = await new Promise<string>((ready, fail) => {
          let out = '';
          child.stdout.setEncoding('utf8').on('data', (d: string) => {
            out += d;
            const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
            if (m) ready(m[1]!);
          });
          child.once('exit', (code) => fail(new Error(`serve exited ${code}: ${err}`)));
        });
        assert.equal((await fetch(`${url}/healthz`)).status, 200);
        assert.equal((await fetch(`${url}/readyz`)).status, 200);
        assert.equal((await fetch(`${url}/pki/root.crt`)).status, 200);
      } finally {
        const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
        child.kill('SIGTERM');
        assert.equal(await exited, 0, err);
      }
    } finally {
      rmSync(app, { recursive: true, force: true });
      rmSync(data, { recursive: true, force: true });
    }
  });
});
