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
import { Deadlines } from '../util/deadlines.js';
import { StoreUnavailableError, type AttemptResult, type AttemptSpec, type CounterSpec, type EphemeralStore, type HitResult } from './ephemeral.js';

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

export { StoreUnavailableError };

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

// KEYS[1..n] attempt records ("count,lastMs"); ARGV[1] now (ms), then per
// record i, from ARGV[2 + 5(i-1)]: window, free, delay, max delay, lockAt
// (ms and counts, as AttemptSpec). Returns {admitted 0|1, retry ms, locked
// 0|1, count1, …, countn}. Admitted: every count + 1, last = now, expiry =
// window. The same arithmetic as attemptWait() in ./ephemeral.ts.
const RESERVE_ATTEMPT_SCRIPT = `
local now = tonumber(ARGV[1])
local n = #KEYS
local counts = {}
local admitted = 1
local locked = 0
local retry = 0
for i = 1, n do
  local b = 1 + 5 * (i - 1)
  local free = tonumber(ARGV[b + 2])
  local delay = tonumber(ARGV[b + 3])
  local maxd = tonumber(ARGV[b + 4])
  local lockAt = tonumber(ARGV[b + 5])
  local v = redis.call('GET', KEYS[i])
  local c = 0
  local last = 0
  if v then
    local sep = string.find(v, ',', 1, true)
    c = tonumber(string.sub(v, 1, sep - 1)) or 0
    last = tonumber(string.sub(v, sep + 1)) or 0
  end
  counts[i] = c
  if c >= lockAt then
    admitted = 0
    locked = 1
    local ttl = redis.call('PTTL', KEYS[i])
    if ttl > retry then retry = ttl end
  elseif c >= free then
    local at = last + math.min(maxd, delay * 2 ^ (c - free))
    if now < at then
      admitted = 0
      if at - now > retry then retry = at - now end
    end
  end
end
if admitted == 1 then
  for i = 1, n do
    counts[i] = counts[i] + 1
    redis.call('SET', KEYS[i], counts[i] .. ',' .. ARGV[1], 'PX', ARGV[2 + 5 * (i - 1)])
  end
end
local out = {admitted, math.ceil(retry), locked}
for i = 1, n do out[3 + i] = counts[i] end
return out`;

// KEYS[1] attempt record: one attempt fewer, never below zero; its last time and expiry kept.
const REFUND_ATTEMPT_SCRIPT = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local sep = string.find(v, ',', 1, true)
local c = tonumber(string.sub(v, 1, sep - 1)) or 0
if c > 0 then c = c - 1 end
redis.call('SET', KEYS[1], c .. ',' .. string.sub(v, sep + 1), 'KEEPTTL')
return c`;

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
   * (src/util/deadlines.ts) instead of a timer and a Promise.race per command.
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

  async reserveAttempt(specs: readonly AttemptSpec[], nowMs: number): Promise<AttemptResult> {
    // lockAt may be Infinity (never locked): Lua reads numbers, not "Infinity".
    const num = (v: number) => String(Number.isFinite(v) ? Math.round(v) : Number.MAX_SAFE_INTEGER);
    const args = [String(Math.round(nowMs)), ...specs.flatMap((s) => [num(s.windowMs), num(s.free), num(s.delayMs), num(s.maxDelayMs), num(s.lockAt)])];
    const reply = (await this.run(() => this.evalScript(RESERVE_ATTEMPT_SCRIPT, specs.map((s) => s.key), args))) as number[];
    return {
      admitted: Number(reply[0]) === 1,
      retryAfterMs: Math.max(0, Number(reply[1])),
      locked: Number(reply[2]) === 1,
      counts: specs.map((_, i) => Number(reply[3 + i])),
    };
  }

  async refundAttempt(key: string): Promise<void> {
    await this.run(() => this.evalScript(REFUND_ATTEMPT_SCRIPT, [key], []));
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
