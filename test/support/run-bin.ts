// Run one of the project's binaries (`cardauth`, `firmware-sim`) as a child
// process to its end, as a person or a script would: arguments, the
// environment (this process's, with `env` over it; a variable given as ''
// is removed), standard input written and closed, and what it printed.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const CARDAUTH_BIN = join(REPO, 'src/cli/bin.js');
export const FIRMWARE_SIM_BIN = join(REPO, 'firmware-sim/bin.js');

export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** This process's environment with `env` over it; '' removes a variable. */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(merged)) if (v === '') delete merged[k];
  return merged;
}

export function runBin(bin: string, args: readonly string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...args], { env: childEnv(env), cwd: REPO });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('exit', (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** `cardauth <args>` to its end. */
export const cardauth = (args: readonly string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<Ran> => runBin(CARDAUTH_BIN, args, env, stdin);

export interface RunningService {
  readonly child: import('node:child_process').ChildProcess;
  /** http://127.0.0.1:<port> from its "listening on" line. */
  readonly url: string;
  stderr(): string;
  /** SIGTERM, then its exit code (null when a signal ended it). */
  stop(): Promise<number | null>;
}

/** `cardauth serve` on 127.0.0.1 and a free port (unless `env` says otherwise), once it says it is listening. */
export async function startService(env: NodeJS.ProcessEnv): Promise<RunningService> {
  const child = spawn(process.execPath, [CARDAUTH_BIN, 'serve'], { env: childEnv({ CARDAUTH_HOST: '127.0.0.1', CARDAUTH_PORT: '0', ...env }), cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const url = await new Promise<string>((ready, fail) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) ready(m[1]!);
    });
    child.once('exit', (code) => fail(new Error(`serve exited ${code}: ${err}`)));
  });
  return {
    child,
    url,
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      child.kill('SIGTERM');
      return exited;
    },
  };
}
