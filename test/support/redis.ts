// A real Redis server for tests: each startRedis() starts a private
// redis-server (scripts/services/redis.sh) on 127.0.0.1 on a free port with no
// persistence, waits for PONG, and stop() ends it by its recorded pid. A server
// still running when the process exits is stopped then.
import { execFile, execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '../../scripts/services/redis.sh');
const run = promisify(execFile);

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

const running = new Set<string>();
let hooked = false;

export async function startRedis(): Promise<TestRedis> {
  const { stdout } = await run('bash', [SCRIPT, 'start'], { encoding: 'utf8', env: { ...process.env, CARDAUTH_SERVICE_OWNER: String(process.pid) } });
  const [url, pid, dir] = stdout.trim().split(/\s+/);
  if (!url || !pid || !dir) throw new Error(`redis.sh start said: ${stdout}`);
  running.add(dir);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const d of running) execFileSync('bash', [SCRIPT, 'stop', d], { stdio: 'ignore' });
    });
  }
  return {
    url,
    port: Number(new URL(url).port),
    pid: Number(pid),
    async stop() {
      if (!running.delete(dir)) return;
      await run('bash', [SCRIPT, 'stop', dir]);
    },
  };
}
