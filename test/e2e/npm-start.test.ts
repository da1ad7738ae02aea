// `npm start` as an operator (or a process supervisor) runs it and stops it:
// SIGTERM to the process that was started — npm — must stop the service.
// npm forwards SIGTERM and SIGINT to its direct child only, the shell that
// runs the script; a shell that ran `setup && node …` died and left the
// service running under init, still holding the port and the embedded
// registry's lock. Here every process under npm is recorded once the
// service listens, npm's pid gets SIGTERM, and then no process of the tree
// may remain, the port must be free and the registry open to the next
// process (`cardauth db migrate` is not refused registry_in_use).
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cardauth, childEnv, REPO } from '../support/run-bin.js';

async function freePort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  srv.close();
  await once(srv, 'close');
  return port;
}

/** Whether something can listen on the port again. */
async function portFree(port: number): Promise<boolean> {
  const srv = createServer();
  return new Promise((done) => {
    srv.once('error', () => done(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => done(true)));
  });
}

/** Every descendant of `pid` (children, their children, …), from ps. */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const [child, parent] of rows) {
      if (parent === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const commandOf = (pid: number): string => {
  try {
    return execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  } catch {
    return '(gone)';
  }
};

async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start (real process tree)', function () {
  this.timeout(180_000);
  let dir: string;
  let npm: ChildProcess | undefined;
  let tree: number[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardauth-npm-start-'));
    tree = [];
  });
  afterEach(async () => {
    // Whatever this test started and is still running (the orphaned service of a failure) is stopped by its pid.
    for (const pid of [...tree].reverse()) if (alive(pid)) process.kill(pid, 'SIGKILL');
    if (npm && npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
    await until(() => tree.every((p) => !alive(p)), 10_000);
    rmSync(dir, { recursive: true, force: true });
  });

  /** `npm start` on a free port and a fresh data directory, once the service says it listens; its process tree recorded. */
  async function npmStart(opts: { ownGroup?: boolean } = {}) {
    // scripts/setup.sh (run by npm start) runs `npm ci` when the lock file is
    // newer than the installed tree; that must not happen under a test.
    assert.ok(
      statSync(join(REPO, 'package-lock.json')).mtimeMs <= statSync(join(REPO, 'node_modules/.package-lock.json')).mtimeMs,
      'node_modules is older than package-lock.json: run `npm ci` (or `npm test`, which does) before this test',
    );
    const port = await freePort();
    const env = childEnv({ CARDAUTH_DATA_DIR: dir, CARDAUTH_HOST: '127.0.0.1', CARDAUTH_PORT: String(port), CARDAUTH_KEY_PASSPHRASE: '', CARDAUTH_KEY_PASSPHRASE_FILE: '' });
    // ownGroup: a process group of its own, as a shell gives its foreground job (Ctrl-C signals the whole group).
    const child = spawn('npm', ['start'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'], detached: opts.ownGroup === true });
    npm = child;
    let out = '';
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
    await new Promise<void>((ready, fail) => {
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (/listening on http:\/\/127\.0\.0\.1:\d+/.test(out)) ready();
      });
      void exited.then((e) => fail(new Error(`npm start ended (${e.code ?? e.signal}) before listening:\n${out}\n${err}`)));
    });
    assert.match(out, new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`));
    tree = descendants(child.pid!);
    assert.ok(tree.length > 0, 'npm runs the service as a child');
    assert.equal(await portFree(port), false, 'the service holds its port');
    return { child, port, exited, treeText: tree.map((p) => `${p} ${commandOf(p)}`).join('\n'), stderr: () => err };
  }

  /** After the stop: npm ended as the service did (0: a graceful stop), nothing of the tree runs, the port is free, the registry can be opened. */
  async function assertStopped(s: Awaited<ReturnType<typeof npmStart>>, what: string) {
    const ended = await s.exited;
    const gone = await until(() => tree.every((p) => !alive(p)), 20_000);
    assert.ok(gone, `after ${what} these are still running:\n${tree.filter(alive).map((p) => `${p} ${commandOf(p)}`).join('\n')}\n(the tree was:\n${s.treeText})`);
    // npm exits 0 only when the script did: the service stopped gracefully, not by the signal's default action.
    assert.deepEqual(ended, { code: 0, signal: null }, s.stderr());
    assert.ok(await until(() => portFree(s.port), 5_000), `port ${s.port} is still held`);
    assert.doesNotMatch(s.stderr(), /"level":"(error|fatal)"/);
    // The embedded registry's lock went with the service.
    const migrate = await cardauth(['db', 'migrate'], { CARDAUTH_DATA_DIR: dir });
    assert.equal(migrate.code, 0, migrate.stdout + migrate.stderr);
  }

  it('SIGTERM to the npm process stops the service: no process of its tree remains, the port is free, the registry is not in use', async () => {
    const s = await npmStart();
    s.child.kill('SIGTERM');
    await assertStopped(s, `SIGTERM to npm (${s.child.pid})`);
  });

  it('Ctrl-C (SIGINT to the whole process group: npm, which forwards it, and the service) stops it gracefully once', async () => {
    const s = await npmStart({ ownGroup: true });
    process.kill(-s.child.pid!, 'SIGINT');
    await assertStopped(s, `SIGINT to the process group ${s.child.pid}`);
  });
});
