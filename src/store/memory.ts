// In-process EphemeralStore: the embedded default. Serves one process only;
// the composition root refuses it when more than one service process runs
// (with two cluster workers, a challenge store in each process's memory let
// the second worker accept a challenge the first had already consumed).
import type { Clock } from '../util/clock.js';
import { systemClock } from '../util/clock.js';
import { attemptWait, parseAttemptRecord, type AttemptResult, type AttemptSpec, type CounterSpec, type EphemeralStore, type HitResult } from './ephemeral.js';

interface Entry {
  value: string;
  expiresAt: number;
}

export class MemoryStore implements EphemeralStore {
  readonly shared = false;
  private readonly map = new Map<string, Entry>();
  private sweeps = 0;

  constructor(private readonly clock: Clock = systemClock) {}

  private live(key: string): Entry | undefined {
    const e = this.map.get(key);
    if (e && e.expiresAt <= this.clock.now().getTime()) {
      this.map.delete(key);
      return undefined;
    }
    return e;
  }

  private sweep(): void {
    // Amortised expiry so an idle key does not live forever.
    if (++this.sweeps % 1024 !== 0) return;
    const now = this.clock.now().getTime();
    for (const [k, e] of this.map) if (e.expiresAt <= now) this.map.delete(k);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    this.sweep();
    if (this.live(key)) return false;
    this.map.set(key, { value, expiresAt: this.clock.now().getTime() + ttlMs });
    return true;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.sweep();
    this.map.set(key, { value, expiresAt: this.clock.now().getTime() + ttlMs });
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async take(key: string): Promise<string | null> {
    return this.takeNow(key);
  }

  private takeNow(key: string): string | null {
    const e = this.live(key);
    if (!e) return null;
    this.map.delete(key);
    return e.value;
  }

  async del(key: string): Promise<void> {
    this.map.delete(key);
  }

  async hitThenTake(counters: readonly CounterSpec[], key: string): Promise<{ hits: HitResult[]; value: string | null }> {
    // No await between the steps: atomic within this process.
    const hits = counters.map((c) => this.hitNow(c.key, c.windowMs));
    const admitted = hits.every((h, i) => h.count <= counters[i]!.limit);
    return { hits, value: admitted ? this.takeNow(key) : null };
  }

  async hit(key: string, windowMs: number): Promise<HitResult> {
    return this.hitNow(key, windowMs);
  }

  private hitNow(key: string, windowMs: number): HitResult {
    this.sweep();
    const now = this.clock.now().getTime();
    const e = this.live(key);
    if (!e) {
      this.map.set(key, { value: '1', expiresAt: now + windowMs });
      return { count: 1, resetMs: windowMs };
    }
    const count = Number(e.value) + 1;
    e.value = String(count);
    return { count, resetMs: e.expiresAt - now };
  }

  async reserveAttempt(specs: readonly AttemptSpec[], nowMs: number): Promise<AttemptResult> {
    // No await between reading and writing: atomic within this process.
    const records = specs.map((s) => parseAttemptRecord(this.live(s.key)?.value ?? null));
    const waits = specs.map((s, i) => attemptWait(s, records[i]!.count, records[i]!.last, nowMs));
    const locked = waits.some((w) => w === Infinity);
    if (locked || waits.some((w) => w > 0)) {
      const retryAfterMs = Math.max(
        ...specs.map((s, i) => (waits[i] === Infinity ? Math.max(0, (this.live(s.key)?.expiresAt ?? 0) - this.clock.now().getTime()) : waits[i]!)),
      );
      return { admitted: false, counts: records.map((r) => r.count), retryAfterMs, locked };
    }
    const counts = specs.map((s, i) => {
      const count = records[i]!.count + 1;
      this.map.set(s.key, { value: `${count},${nowMs}`, expiresAt: this.clock.now().getTime() + s.windowMs });
      return count;
    });
    return { admitted: true, counts, retryAfterMs: 0, locked: false };
  }

  async refundAttempt(key: string): Promise<void> {
    const e = this.live(key);
    if (!e) return;
    const r = parseAttemptRecord(e.value);
    e.value = `${Math.max(0, r.count - 1)},${r.last}`;
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.map.clear();
  }
}
