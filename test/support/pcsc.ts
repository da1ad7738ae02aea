// Test harness for the real reader stack: pcscd + vsmartcard-vpcd + a simulated
// card process (firmware-sim run). Everything it starts is recorded by pid and
// stopped by pid; readiness is awaited by polling, never by fixed sleeps.
//
// - ensurePcscd(): use the machine's pcscd if /run/pcscd/pcscd.comm answers,
//   else start `pcscd -f` (pid in /tmp/cardauth-pcscd.pid). Each process using
//   it registers in /tmp/cardauth-pcscd-users/<pid>; the last registered user to
//   exit stops a pcscd the harness started (never one it found running).
// - acquireReader(): an exclusive cross-process lock on one of the two vpcd
//   readers. The lock is a flock(2) held by a `flock` child whose stdin is a
//   pipe from this process: if this process dies, even by SIGKILL, the pipe
//   closes, the child exits and the kernel releases the lock — no stale locks.
// - startSimCard(): `node firmware-sim/bin.js run <file> --vpcd-port <port>` as
//   a child; waits for its readiness line and for the reader to show the card.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIRMWARE_SIM_BIN = join(REPO_ROOT, 'firmware-sim', 'bin.js');

export const VPCD_READERS = [
  { port: 35963, readerName: 'Virtual PCD 00 00' },
  { port: 35964, readerName: 'Virtual PCD 00 01' },
] as const;

const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';
const PCSCD_PID_FILE = '/tmp/cardauth-pcscd.pid';
const PCSCD_LOG = '/tmp/cardauth-pcscd.log';
const USERS_DIR = '/tmp/cardauth-pcscd-users';

/** The OpenSC PKCS#11 module of this machine. */
export const OPENSC_PKCS11 = [
  '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
  '/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so',
  '/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so',
  '/usr/lib/opensc-pkcs11.so',
].find((p) => existsSync(p)) ?? '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';

// ---------------------------------------------------------------- polling

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  readonly what?: string;
}

/** Poll `check` until it returns a value other than undefined/false, or time out. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, opts: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  let interval = opts.intervalMs ?? 25;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${opts.what ?? 'condition'}`);
    await new Promise((r) => setTimeout(r, interval));
    interval = Math.min(interval * 2, 250);
  }
}

export interface ToolResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a program to completion (no shell), collecting its output. */
export function runTool(cmd: string, args: readonly string[], opts: { input?: string | Uint8Array; timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ToolResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('latin1').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('latin1').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    // A program that exits without reading its stdin must not fail the caller.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

// ---------------------------------------------------------------- pcscd

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function pcscdAnswers(): Promise<boolean> {
  return new Promise((res) => {
    const s = connect(PCSCD_SOCKET);
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });
}

/** Reader name → card present? (from `opensc-tool -l`); undefined when the reader is not listed. */
export async function listReaders(): Promise<Map<string, boolean>> {
  const r = await runTool('opensc-tool', ['-l'], { timeoutMs: 20_000 });
  const m = new Map<string, boolean>();
  for (const line of r.stdout.split('\n')) {
    const match = /^\d+\s+(Yes|No)\s+(.*?)\s*$/.exec(line);
    if (match) m.set(match[2]!.replace(/^\S*\s{2,}/, ''), match[1] === 'Yes');
  }
  return m;
}

let startedPcscd: ChildProcess | undefined;
let registered = false;

function registerUser(): void {
  if (registered) return;
  registered = true;
  mkdirSync(USERS_DIR, { recursive: true });
  writeFileSync(join(USERS_DIR, String(process.pid)), '');
  process.once('exit', onExit);
}

function liveOtherUsers(): number {
  let n = 0;
  for (const f of readdirSync(USERS_DIR)) {
    const pid = Number(f);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    if (pidAlive(pid)) n++;
    else rmSync(join(USERS_DIR, f), { force: true });
  }
  return n;
}

function recordedPcscdPid(): number | undefined {
  try {
    const pid = Number(readFileSync(PCSCD_PID_FILE, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Synchronous clean-up at process exit: stop our children, and pcscd if we are its last user. */
function onExit(): void {
  for (const c of simChildren) if (c.exitCode === null && c.pid !== undefined) {
    try { process.kill(c.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  rmSync(join(USERS_DIR, String(process.pid)), { force: true });
  const pid = recordedPcscdPid();
  if (pid !== undefined && pidAlive(pid) && liveOtherUsers() === 0) {
    try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
    rmSync(PCSCD_PID_FILE, { force: true });
  }
}

/** Make sure a pcscd with the vpcd readers runs; start one (and record its pid) if none does. */
export async function ensurePcscd(): Promise<void> {
  registerUser();
  if (!(await pcscdAnswers())) {
    // Serialise the start between processes with an exclusive create of the pid file.
    let fd: number | undefined;
    try {
      fd = openSync(`${PCSCD_PID_FILE}.starting`, 'wx');
    } catch {
      fd = undefined;
    }
    if (fd !== undefined) {
      try {
        if (!(await pcscdAnswers())) {
          const log = openSync(PCSCD_LOG, 'a');
          const child = spawn('pcscd', ['-f'], { stdio: ['ignore', log, log], detached: true });
          closeSync(log);
          child.unref();
          startedPcscd = child;
          writeFileSync(PCSCD_PID_FILE, `${child.pid}\n`);
          child.once('exit', () => {
            if (startedPcscd === child) startedPcscd = undefined;
          });
        }
      } finally {
        closeSync(fd);
        rmSync(`${PCSCD_PID_FILE}.starting`, { force: true });
      }
    }
    await waitFor(() => pcscdAnswers(), { what: 'pcscd socket', timeoutMs: 20_000 });
  }
  await waitFor(async () => (await listReaders()).has(VPCD_READERS[0].readerName), {
    what: 'the vpcd readers in pcscd (is vsmartcard-vpcd installed?)', timeoutMs: 20_000,
  });
}

/** Stop the pcscd this harness started, by its recorded pid, if no other process uses it. */
export async function stopPcscd(): Promise<void> {
  const pid = recordedPcscdPid();
  if (pid === undefined || !pidAlive(pid)) return;
  mkdirSync(USERS_DIR, { recursive: true });
  if (liveOtherUsers() > 0) return;
  process.kill(pid, 'SIGTERM');
  await waitFor(() => !pidAlive(pid) || (startedPcscd === undefined && !pidAlive(pid)), { what: 'pcscd to exit' });
  rmSync(PCSCD_PID_FILE, { force: true });
}

// ---------------------------------------------------------------- reader locks

export interface ReaderLease {
  readonly port: number;
  readonly readerName: string;
  release(): Promise<void>;
}

function lockPath(port: number): string {
  return `/tmp/cardauth-vpcd-${port}.lock`;
}

/** Try to take the flock on one reader; undefined when another process holds it. */
function tryLock(port: number): Promise<ChildProcess | undefined> {
  return new Promise((res, rej) => {
    const child = spawn('flock', ['-n', '-E', '75', lockPath(port), 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let out = '';
    child.on('error', rej);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('locked')) res(child);
    });
    child.once('exit', (code) => {
      if (!out.includes('locked')) res(code === 75 ? undefined : undefined);
    });
  });
}

/** Take one of the two vpcd readers for this process alone (waits while both are taken). */
export async function acquireReader(opts: { timeoutMs?: number } = {}): Promise<ReaderLease> {
  await ensurePcscd();
  const got = await waitFor(async () => {
    for (const r of VPCD_READERS) {
      const holder = await tryLock(r.port);
      if (holder !== undefined) return { reader: r, holder };
    }
    return undefined;
  }, { what: 'a free vpcd reader', timeoutMs: opts.timeoutMs ?? 600_000, intervalMs: 100 });
  const { reader, holder } = got;
  // For humans: who holds it (the lock itself is the flock, not this content).
  writeFileSync(lockPath(reader.port), `${process.pid}\n`);
  // The lock must not keep the test process alive.
  holder.unref();
  (holder.stdin as unknown as { unref?: () => void }).unref?.();
  (holder.stdout as unknown as { unref?: () => void }).unref?.();
  // A card left in the reader by a crashed run would answer for us: wait until empty.
  await waitFor(async () => (await listReaders()).get(reader.readerName) === false, {
    what: `${reader.readerName} to be empty`, timeoutMs: 30_000,
  });
  let released = false;
  return {
    port: reader.port,
    readerName: reader.readerName,
    async release() {
      if (released) return;
      released = true;
      const exited = new Promise<void>((r) => {
        if (holder.exitCode !== null) r();
        else holder.once('exit', () => r());
      });
      holder.stdin!.end();
      await exited;
    },
  };
}

export async function withReader<T>(fn: (reader: ReaderLease) => Promise<T>): Promise<T> {
  const lease = await acquireReader();
  try {
    return await fn(lease);
  } finally {
    await lease.release();
  }
}

// ---------------------------------------------------------------- simulated cards

const simChildren = new Set<ChildProcess>();

export interface SimCardProcess {
  readonly pid: number;
  readonly readerName: string;
  /** SIGTERM (the card is removed cleanly), wait for the exit and an empty reader. */
  stop(): Promise<void>;
  /** SIGKILL (the simulator dies mid-whatever), wait for the exit and an empty reader. */
  kill(): Promise<void>;
  /** What the simulator wrote on stderr so far (for failure messages). */
  stderr(): string;
}

export function readerNameForPort(port: number): string {
  const r = VPCD_READERS.find((x) => x.port === port);
  if (r === undefined) throw new Error(`no vpcd reader on port ${port}`);
  return r.readerName;
}

export async function startSimCard(opts: { cardFile: string; port: number }): Promise<SimCardProcess> {
  const readerName = readerNameForPort(opts.port);
  const child = spawn(process.execPath, [FIRMWARE_SIM_BIN, 'run', opts.cardFile, '--vpcd-port', String(opts.port), '--exit-with-parent'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: REPO_ROOT,
  });
  simChildren.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const exited = new Promise<void>((r) => child.once('exit', () => {
    simChildren.delete(child);
    r();
  }));
  try {
    await waitFor(() => {
      if (child.exitCode !== null) throw new Error(`firmware-sim exited (${child.exitCode}): ${stderr}`);
      return stdout.includes('ready ');
    }, { what: 'firmware-sim readiness line', timeoutMs: 30_000 });
    await waitFor(async () => (await listReaders()).get(readerName) === true, { what: `a card in ${readerName}` });
  } catch (e) {
    child.kill('SIGKILL');
    await exited;
    throw e;
  }
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
    await waitFor(async () => (await listReaders()).get(readerName) === false, { what: `${readerName} to be empty` });
  };
  return {
    pid: child.pid!,
    readerName,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    stderr: () => stderr,
  };
}

// ---------------------------------------------------------------- one-call fixture

export interface SimCardFixture {
  readonly lease: ReaderLease;
  readonly readerName: string;
  readonly cardFile: string;
  /** Temporary directory of this fixture (card file, factory, tool outputs). */
  readonly dir: string;
  readonly factoryDir: string;
  /** The running simulator (replaced by restart()). */
  sim: SimCardProcess;
  /** Stop the simulator (SIGTERM, or SIGKILL with { kill: true }) and start it again on the same card file. */
  restart(opts?: { kill?: boolean }): Promise<void>;
  /** Stop the simulator, release the reader, delete the directory. */
  teardown(): Promise<void>;
}

/**
 * Manufacture a fresh card (its own factory in a temporary directory unless
 * `factoryDir` is given), take a reader, and put the card in it.
 */
export async function setupSimCard(opts: { serial: number; factoryDir?: string }): Promise<SimCardFixture> {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { manufactureCard } = await import('../../firmware-sim/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'cardauth-e2e-card-'));
  const factoryDir = opts.factoryDir ?? join(dir, 'factory');
  const cardFile = join(dir, 'card.json');
  await manufactureCard({ serial: opts.serial, out: cardFile, factoryDir });
  const lease = await acquireReader();
  let sim: SimCardProcess;
  try {
    sim = await startSimCard({ cardFile, port: lease.port });
  } catch (e) {
    await lease.release();
    throw e;
  }
  const fixture: SimCardFixture = {
    lease,
    readerName: lease.readerName,
    cardFile,
    dir,
    factoryDir,
    sim,
    async restart(o = {}) {
      await (o.kill ? fixture.sim.kill() : fixture.sim.stop());
      fixture.sim = await startSimCard({ cardFile, port: lease.port });
    },
    async teardown() {
      try {
        await fixture.sim.stop();
      } finally {
        await lease.release();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return fixture;
}
