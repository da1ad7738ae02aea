// EphemeralStore over Redis (DESIGN.md "State": challenges set once with expiry
// and consumed atomically, rate limits, sessions) with npm `redis` v5/6.
//
// Atomicity: take() is GETDEL (Redis ≥ 6.2), one command, so of concurrent
// takers exactly one receives the value; hit() is one Lua script (INCR, then
// PEXPIRE only when the key is new, then PTTL) so a counter can never be left
// without an expiry by a crash between two commands.
//
// Failing fast: the offline queue is disabled (a command while disconnected is
// rejected at once instead of waiting for a reconnect) and each command has a
// timeout, so a dead or hung Redis becomes an error the API answers with 503
// `unavailable` — never a hanging request, never "authenticated".
import { createClient } from 'redis';
import type { EphemeralStore } from './ephemeral.js';

export interface RedisStoreOptions {
  /** redis://host:port[/db] (REDIS_URL). */
  readonly url: string;
  /** Per-command timeout, ms. Default 1000. */
  readonly commandTimeoutMs?: number;
  /** Connect timeout, ms. Default 2000. */
  readonly connectTimeoutMs?: number;
  /** Called on connection errors (the client reconnects by itself); default: ignore. */
  readonly onError?: (err: Error) => void;
}

/** The store could not answer: callers map this to 503 `unavailable`. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

// KEYS[1] counter; ARGV[1] window in ms. Returns {count, ms until reset}.
const HIT_SCRIPT = `
local c = redis.call('INCR', KEYS[1])
local t = redis.call('PTTL', KEYS[1])
if c == 1 or t < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  t = tonumber(ARGV[1])
end
return {c, t}`;

export async function openRedisStore(opts: RedisStoreOptions): Promise<RedisStore> {
  const store = new RedisStore(opts);
  await store.connect();
  return store;
}

export class RedisStore implements EphemeralStore {
  readonly shared = true;
  private readonly client;
  private readonly cmd;
  private readonly timeoutMs: number;
  private hitSha: string | undefined;
  private everConnected = false;

  constructor(opts: RedisStoreOptions) {
    const timeout = opts.commandTimeoutMs ?? 1000;
    this.timeoutMs = timeout;
    this.client = createClient({
      url: opts.url,
      disableOfflineQueue: true,
      // No client-side per-command timer (it allocates an AbortSignal per
      // command, which showed in the auth profile); run() keeps the deadline.
      commandOptions: { timeout: undefined },
      socket: {
        connectTimeout: opts.connectTimeoutMs ?? 2000,
        // Back off 50 ms, 100 ms, … up to 2 s and keep trying: a Redis restart
        // heals by itself; meanwhile commands fail at once (no offline queue).
        // The first connection is not retried: a wrong URL fails start-up.
        reconnectStrategy: (retries: number, cause: Error) =>
          this.everConnected ? Math.min(50 * 2 ** Math.min(retries, 6), 2000) : cause,
      },
    });
    this.client.on('error', (err: Error) => opts.onError?.(err));
    this.cmd = this.client;
  }

  async connect(): Promise<void> {
    try {
      await this.client.connect();
      this.everConnected = true;
    } catch (err) {
      await this.client.destroy();
      throw new StoreUnavailableError('cannot connect to Redis', { cause: err });
    }
  }

  private async run<T>(f: () => Promise<T>): Promise<T> {
    // Our own deadline: a server that accepted the
    // socket but stopped answering (SIGSTOP, swap storm) must not hold a
    // request. A command that times out may still run on the server later;
    // for take() that only ever loses a challenge (fail closed).
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([f(), deadline]);
    } catch (err) {
      throw new StoreUnavailableError('Redis did not answer', { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const r = await this.run(() => this.cmd.set(key, value, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } }));
    return r === 'OK';
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.run(() => this.cmd.set(key, value, { expiration: { type: 'PX', value: ttlMs } }));
  }

  async get(key: string): Promise<string | null> {
    return this.run(() => this.cmd.get(key));
  }

  async take(key: string): Promise<string | null> {
    return this.run(() => this.cmd.getDel(key));
  }

  async del(key: string): Promise<void> {
    await this.run(() => this.cmd.del(key));
  }

  async hit(key: string, windowMs: number): Promise<{ count: number; resetMs: number }> {
    const reply = await this.run(async () => {
      if (this.hitSha === undefined) this.hitSha = await this.cmd.scriptLoad(HIT_SCRIPT);
      try {
        return await this.cmd.evalSha(this.hitSha, { keys: [key], arguments: [String(windowMs)] });
      } catch (err) {
        // After a Redis restart the script cache is empty: load it again once.
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
        this.hitSha = await this.cmd.scriptLoad(HIT_SCRIPT);
        return this.cmd.evalSha(this.hitSha, { keys: [key], arguments: [String(windowMs)] });
      }
    });
    const [count, ttl] = reply as unknown as [number, number];
    return { count: Number(count), resetMs: Math.max(0, Number(ttl)) };
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.run(() => this.cmd.ping())) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.client.isOpen) await this.client.close();
    else this.client.destroy();
  }
}
