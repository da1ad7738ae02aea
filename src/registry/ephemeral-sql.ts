// EphemeralStore over the registry database (migration 007): what command-line
// staff sessions use when REDIS_URL is not set, so `cardauth staff login` in
// one process and `cardauth issue` in the next see the same session. Each
// operation is one statement (atomic on its own); expiry follows the injected
// clock. Shared between processes that share the database.
import { attemptWait, parseAttemptRecord, type AttemptResult, type AttemptSpec, type CounterSpec, type EphemeralStore, type HitResult } from '../store/ephemeral.js';
import type { Clock } from '../util/clock.js';
import { systemClock } from '../util/clock.js';
import type { Sql } from './sql.js';

export class SqlEphemeralStore implements EphemeralStore {
  readonly shared = true;
  private writes = 0;
  constructor(
    private readonly sql: Sql,
    private readonly clock: Clock = systemClock,
  ) {}

  private at(ms: number): Date {
    return new Date(this.clock.now().getTime() + ms);
  }

  private async sweep(): Promise<void> {
    if (++this.writes % 256 !== 0) return;
    await this.sql.query('DELETE FROM ephemeral_kv WHERE expires_at <= $1', [this.clock.now()]);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    await this.sweep();
    const rows = await this.sql.query(
      `INSERT INTO ephemeral_kv (key, value, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at WHERE ephemeral_kv.expires_at <= $4
       RETURNING key`,
      [key, value, this.at(ttlMs), this.clock.now()],
    );
    return rows.length === 1;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.sweep();
    await this.sql.query(
      `INSERT INTO ephemeral_kv (key, value, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
      [key, value, this.at(ttlMs)],
    );
  }

  async get(key: string): Promise<string | null> {
    const r = (await this.sql.query<{ value: string }>('SELECT value FROM ephemeral_kv WHERE key = $1 AND expires_at > $2', [key, this.clock.now()]))[0];
    return r?.value ?? null;
  }

  async take(key: string): Promise<string | null> {
    const r = (
      await this.sql.query<{ value: string; live: boolean }>('DELETE FROM ephemeral_kv WHERE key = $1 RETURNING value, expires_at > $2 AS live', [
        key,
        this.clock.now(),
      ])
    )[0];
    return r && r.live ? r.value : null;
  }

  async del(key: string): Promise<void> {
    await this.sql.query('DELETE FROM ephemeral_kv WHERE key = $1', [key]);
  }

  async hit(key: string, windowMs: number): Promise<HitResult> {
    const now = this.clock.now();
    const r = (
      await this.sql.query<{ value: string; expires_at: Date }>(
        `INSERT INTO ephemeral_kv (key, value, expires_at) VALUES ($1, '1', $2)
         ON CONFLICT (key) DO UPDATE SET
           value = CASE WHEN ephemeral_kv.expires_at <= $3 THEN '1' ELSE (ephemeral_kv.value::int + 1)::text END,
           expires_at = CASE WHEN ephemeral_kv.expires_at <= $3 THEN EXCLUDED.expires_at ELSE ephemeral_kv.expires_at END
         RETURNING value, expires_at`,
        [key, this.at(windowMs), now],
      )
    )[0]!;
    return { count: Number(r.value), resetMs: new Date(r.expires_at).getTime() - now.getTime() };
  }

  async hitThenTake(counters: readonly CounterSpec[], key: string): Promise<{ hits: HitResult[]; value: string | null }> {
    return this.sql.transaction(async (tx) => {
      const inTx = new SqlEphemeralStore(tx, this.clock);
      const hits: HitResult[] = [];
      for (const c of counters) hits.push(await inTx.hit(c.key, c.windowMs));
      const admitted = hits.every((h, i) => h.count <= counters[i]!.limit);
      return { hits, value: admitted ? await inTx.take(key) : null };
    });
  }

  async reserveAttempt(specs: readonly AttemptSpec[], nowMs: number): Promise<AttemptResult> {
    const now = this.clock.now();
    return this.sql.transaction(async (tx) => {
      // Lock every record, in key order (two callers never wait on each
      // other in a cycle); an absent one is created expired, so it can be locked.
      const records = new Map<string, { count: number; last: number; expiresAt: Date }>();
      for (const key of [...new Set(specs.map((s) => s.key))].sort()) {
        await tx.query(`INSERT INTO ephemeral_kv (key, value, expires_at) VALUES ($1, '0,0', $2) ON CONFLICT (key) DO NOTHING`, [key, now]);
        const r = (await tx.query<{ value: string; expires_at: Date }>('SELECT value, expires_at FROM ephemeral_kv WHERE key = $1 FOR UPDATE', [key]))[0]!;
        const expiresAt = new Date(r.expires_at);
        const live = expiresAt > now;
        records.set(key, { ...parseAttemptRecord(live ? r.value : null), expiresAt });
      }
      const got = specs.map((s) => records.get(s.key)!);
      const waits = specs.map((s, i) => attemptWait(s, got[i]!.count, got[i]!.last, nowMs));
      const locked = waits.some((w) => w === Infinity);
      if (locked || waits.some((w) => w > 0)) {
        const retryAfterMs = Math.max(...waits.map((w, i) => (w === Infinity ? Math.max(0, got[i]!.expiresAt.getTime() - now.getTime()) : w)));
        return { admitted: false, counts: got.map((r) => r.count), retryAfterMs, locked };
      }
      const counts: number[] = [];
      for (const [i, s] of specs.entries()) {
        counts.push(got[i]!.count + 1);
        await tx.query('UPDATE ephemeral_kv SET value = $2, expires_at = $3 WHERE key = $1', [s.key, `${counts[i]},${nowMs}`, this.at(s.windowMs)]);
      }
      return { admitted: true, counts, retryAfterMs: 0, locked: false };
    });
  }

  async refundAttempt(key: string): Promise<void> {
    await this.sql.query(
      `UPDATE ephemeral_kv SET value = greatest(split_part(value, ',', 1)::int - 1, 0)::text || ',' || split_part(value, ',', 2)
       WHERE key = $1 AND expires_at > $2`,
      [key, this.clock.now()],
    );
  }

  async ping(): Promise<boolean> {
    try {
      await this.sql.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    // the database belongs to the caller
  }
}
