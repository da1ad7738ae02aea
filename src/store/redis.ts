// EphemeralStore over Redis (challenges set once with expiry and consumed
// atomically, rate limits, sessions) with npm `redis` v5/6.
//
// Atomicity: take() is GETDEL (Redis ≥ 6.2), one command, so of concurrent
// takers exactly one receives the value; hit() is one Lua script (INCR, then
// PEXPIRE only when the key is new, then PTTL) so a counter can never be left
// without an expiry by a crash between two commands; hitThenTake() is one
// script too (the counters, then GETDEL only when every limit admits).
//
// Failing fast: the offline queue is disabled (a command while disconnected is
// rejected at once instead of waiting for a reconnect) and each command has a
// timeout, so a dead or hung Redis becomes an error the API answers with 503
// `unavailable` — never a hanging request, never "authenticated".
import { createClient } from 'redis';
import { Deadlines } from './deadlines.js';
import type { CounterSpec, EphemeralStore, HitResult } from './ephemeral.js';

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

// KEYS[1..n] counters, KEYS[n+1] the key to take; ARGV[2i-1] the window (ms)
// and ARGV[2i] the limit of counter i. Returns {c1, t1, …, cn, tn[, value]}:
// the value (false → nil when absent) only when every count is within its limit.
const HIT_THEN_TAKE_SCRIPT = `
local n = #KEYS - 1
local out = {}
local admitted = true
for i = 1, n do
  local c = redis.call('INCR', KEYS[i])
  local t = redis.call('PTTL', KEYS[i])
  if c == 1 or t < 0 then
    redis.call('PEXPIRE', KEYS[i], ARGV[2 * i - 1])
    t = tonumber(ARGV[2 * i - 1])
  end
  out[2 * i - 1] = c
  out[2 * i] = t
  if c > tonumber(ARGV[2 * i]) then admitted = false end
end
if admitted then out[2 * n + 1] = redis.call('GETDEL', KEYS[n + 1]) end
return out`;

export async function openRedisStore(opts: RedisStoreOptions): Promise<RedisStore> {
  const store = new RedisStore(opts);
  await store.connect();
  return store;
}

export class RedisStore implements EphemeralStore {
  readonly shared = true;
  private readonly client;
  private readonly cmd;
  private readonly deadlines: Deadlines;
  /** SHA1 of each Lua script as loaded into the server (reloaded after a restart). */
  private readonly scriptShas = new Map<string, string>();
  private everConnected = false;

  constructor(opts: RedisStoreOptions) {
    const timeout = opts.commandTimeoutMs ?? 1000;
    this.deadlines = new Deadlines(timeout);
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

  /**
   * Our own deadline: a server that accepted the socket but stopped answering
   * (SIGSTOP, swap storm) must not hold a request. A command that times out
   * may still run on the server later; for take() that only ever loses a
   * challenge (fail closed). Every command has the same timeout, so the
   * commands under way are in deadline order: one timer looks at the oldest
   * (./deadlines.ts) instead of a timer and a Promise.race per command.
   */
  private run<T>(f: () => Promise<T>): Promise<T> {
    return this.deadlines.run(f, (err) => new StoreUnavailableError('Redis did not answer', { cause: err }));
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

  async hit(key: string, windowMs: number): Promise<HitResult> {
    const [count, ttl] = (await this.run(() => this.evalScript(HIT_SCRIPT, [key], [String(windowMs)]))) as [number, number];
    return { count: Number(count), resetMs: Math.max(0, Number(ttl)) };
  }

  async hitThenTake(counters: readonly CounterSpec[], key: string): Promise<{ hits: HitResult[]; value: string | null }> {
    const args = counters.flatMap((c) => [String(c.windowMs), String(c.limit)]);
    const reply = (await this.run(() => this.evalScript(HIT_THEN_TAKE_SCRIPT, [...counters.map((c) => c.key), key], args))) as Array<number | string | null>;
    const hits = counters.map((_, i) => ({ count: Number(reply[2 * i]), resetMs: Math.max(0, Number(reply[2 * i + 1])) }));
    const value = reply[2 * counters.length];
    return { hits, value: typeof value === 'string' ? value : null };
  }

  /** EVALSHA, loading the script first (and again once after a Redis restart emptied the cache). */
  private async evalScript(script: string, keys: string[], args: string[]): Promise<unknown> {
    let sha = this.scriptShas.get(script);
    if (sha === undefined) {
      sha = await this.cmd.scriptLoad(script);
      this.scriptShas.set(script, sha);
    }
    try {
      return await this.cmd.evalSha(sha, { keys, arguments: args });
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      sha = await this.cmd.scriptLoad(script);
      this.scriptShas.set(script, sha);
      return this.cmd.evalSha(sha, { keys, arguments: args });
    }
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.run(() => this.cmd.ping())) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.deadlines.stop();
    if (this.client.isOpen) await this.client.close();
    else this.client.destroy();
  }
}
