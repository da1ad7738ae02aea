// Private PostgreSQL and Redis servers that a test may hurt: freeze
// (SIGSTOP), thaw (SIGCONT), kill (SIGKILL) and start again on the same port,
// so the clients under test reconnect to the URL they were given. Each server
// is started by scripts/services/*.sh in a directory of its own, on loopback,
// and every signal goes to a pid this helper started (the PostgreSQL
// postmaster and the backends it forked, read from /proc). Unlike
// test/support/postgres.ts, whose one server is shared by every test file of
// the process, nothing else uses these servers.
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const SERVICES = join(dirname(fileURLToPath(import.meta.url)), '../../scripts/services');
const run = promisify(execFile);

export interface FaultService {
  readonly url: string;
  readonly port: number;
  /** The server's main pid (postmaster / redis-server) as started last. */
  pid(): number;
  /** SIGSTOP the server and every process it forked: it accepts TCP but answers nothing. */
  freeze(): void;
  /** SIGCONT what freeze() stopped. */
  thaw(): void;
  readonly frozen: boolean;
  /** SIGKILL the server and its children; resolves once they are gone. */
  kill(): Promise<void>;
  /** Start it again in the same directory on the same port (after kill()). */
  restart(): Promise<void>;
  /** Stop it for good and remove its directory. */
  stop(): Promise<void>;
}

/** Direct children of `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pids: readonly number[], sig: NodeJS.Signals): void {
  for (const p of pids) {
    try {
      process.kill(p, sig);
    } catch {
      // already gone
    }
  }
}

async function waitGone(pids: readonly number[], ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (pids.some(alive)) {
    if (Date.now() > until) throw new Error(`processes ${pids.filter(alive).join(' ')} did not exit`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type Kind = 'postgres' | 'redis';
const stopped = new Set<() => void>();
let hooked = false;

async function startService(kind: Kind): Promise<FaultService> {
  const script = join(SERVICES, `${kind}.sh`);
  const owner = { CARDAUTH_SERVICE_OWNER: String(process.pid) };
  const { stdout } = await run('bash', [script, 'start'], { encoding: 'utf8', env: { ...process.env, ...owner } });
  const [url, pidText, dir] = stdout.trim().split(/\s+/);
  if (!url || !pidText || !dir) throw new Error(`${kind}.sh start said: ${stdout}`);
  const port = Number(new URL(url).port);
  let pid = Number(pidText);
  let frozenPids: number[] = [];
  let gone = false;
  const stopSync = (): void => {
    if (gone) return;
    gone = true;
    signal(frozenPids, 'SIGCONT');
    execFileSync('bash', [script, 'stop', dir], { stdio: 'ignore' });
  };
  stopped.add(stopSync);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const s of stopped) s();
    });
  }
  const portVar = kind === 'postgres' ? 'CARDAUTH_PG_PORT' : 'CARDAUTH_REDIS_PORT';
  return {
    url,
    port,
    pid: () => pid,
    get frozen() {
      return frozenPids.length > 0;
    },
    freeze() {
      // The server first, so it forks nothing new while its children are stopped.
      const pids = [pid];
      process.kill(pid, 'SIGSTOP');
      pids.push(...childrenOf(pid));
      signal(pids.slice(1), 'SIGSTOP');
      frozenPids = pids;
    },
    thaw() {
      signal(frozenPids, 'SIGCONT');
      frozenPids = [];
    },
    async kill() {
      const pids = [pid, ...childrenOf(pid)];
      signal(pids, 'SIGKILL');
      frozenPids = [];
      await waitGone(pids);
    },
    async restart() {
      const { stdout: again } = await run('bash', [script, 'start', dir], { encoding: 'utf8', env: { ...process.env, [portVar]: String(port) } });
      pid = Number(again.trim().split(/\s+/)[1]);
    },
    async stop() {
      stopped.delete(stopSync);
      if (gone) return;
      gone = true;
      signal(frozenPids, 'SIGCONT');
      await run('bash', [script, 'stop', dir]);
    },
  };
}

/** A private PostgreSQL server; `url` names its `postgres` database. */
export const startFaultPostgres = (): Promise<FaultService> => startService('postgres');
/** A private Redis server without persistence. */
export const startFaultRedis = (): Promise<FaultService> => startService('redis');
