// Every registry call has a deadline (a hung PostgreSQL must not hang a
// request): with the server frozen by SIGSTOP — it accepts TCP and answers
// nothing — a query, a transaction, a caller waiting for a pooled connection
// and a caller opening a new connection all fail with registry_unavailable
// while the server is still frozen, and the pool serves again once it thaws.
// Each assertion is about order (answered before the thaw), not about speed.
import assert from 'node:assert/strict';
import { migrate } from '../../src/registry/migrate.js';
import { isRegistryError } from '../../src/registry/codes.js';
import { PgliteDatabase } from '../../src/registry/pglite.js';
import { PostgresDatabase } from '../../src/registry/postgres.js';
import { startFaultPostgres, type FaultService } from '../support/fault-services.js';

/** Longest a test waits for an answer before it thaws the server and fails. */
const BOUND_MS = 15_000;

async function answeredWhileFrozen<T>(pg: FaultService, p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; err: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'bound'>((r) => (timer = setTimeout(() => r('bound'), BOUND_MS)));
  const settled = p.then(
    (value) => ({ ok: true as const, value }),
    (err: unknown) => ({ ok: false as const, err }),
  );
  const first = await Promise.race([settled, bound]);
  clearTimeout(timer);
  if (first === 'bound') {
    pg.thaw();
    assert.fail(`no answer within ${BOUND_MS} ms while PostgreSQL was frozen`);
  }
  assert.ok(pg.frozen, 'answered while the server was still frozen');
  return first;
}

const unavailable = (r: { ok: boolean; err?: unknown }) => {
  assert.equal(r.ok, false, 'the call failed');
  assert.ok(isRegistryError((r as { err: unknown }).err, 'registry_unavailable'), String((r as { err: unknown }).err));
};

describe('registry deadlines (PostgreSQL frozen with SIGSTOP)', function () {
  this.timeout(120_000);
  let pg: FaultService;
  let db: PostgresDatabase;

  before(async () => {
    pg = await startFaultPostgres();
    db = new PostgresDatabase(pg.url, { max: 2, timeoutMs: 400 });
    await migrate(db);
  });
  after(async () => {
    pg?.thaw();
    await db?.close();
    await pg?.stop();
  });
  afterEach(() => pg.thaw());

  async function recovers(): Promise<void> {
    // The pool may first hand out connections that died with the freeze; it
    // must answer again within a few tries, without a restart.
    let last: unknown;
    for (let i = 0; i < 20; i++) {
      try {
        assert.deepEqual(await db.query<{ n: number }>('SELECT 1 AS n'), [{ n: 1 }]);
        return;
      } catch (err) {
        last = err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.fail(`the pool did not recover: ${String(last)}`);
  }

  it('a query on a pooled connection, more callers than connections, and a named statement all fail while frozen', async () => {
    await db.query('SELECT 1'); // a pooled connection exists
    pg.freeze();
    const calls = [
      db.query('SELECT 1'),
      db.query('SELECT 2'),
      db.query('SELECT 3'), // waits for a connection: the pool has two
      db.query('SELECT n FROM status_epoch WHERE id', [], { prepareAs: 'status_epoch_read' }),
    ];
    const all = await answeredWhileFrozen(pg, Promise.allSettled(calls));
    assert.ok(all.ok);
    for (const r of all.value) unavailable(r.status === 'rejected' ? { ok: false, err: r.reason } : { ok: true });
    pg.thaw();
    await recovers();
  });

  it('a transaction whose statement hangs fails while frozen and leaves nothing behind', async () => {
    await db.exec('CREATE TABLE IF NOT EXISTS deadline_probe (n int)');
    await db.exec('TRUNCATE deadline_probe');
    const tx = db.transaction(async (t) => {
      await t.query('INSERT INTO deadline_probe VALUES (1)');
      pg.freeze();
      await t.query('INSERT INTO deadline_probe VALUES (2)');
    });
    unavailable(await answeredWhileFrozen(pg, tx));
    pg.thaw();
    await recovers();
    assert.deepEqual(await db.query('SELECT n FROM deadline_probe'), [], 'rolled back');
  });

  it('a new connection to a frozen server fails while frozen', async () => {
    const fresh = new PostgresDatabase(pg.url, { max: 1, timeoutMs: 400 });
    try {
      pg.freeze();
      unavailable(await answeredWhileFrozen(pg, fresh.query('SELECT 1')));
      pg.thaw();
      assert.deepEqual(await fresh.query<{ n: number }>('SELECT 1 AS n'), [{ n: 1 }]);
    } finally {
      pg.thaw();
      await fresh.close();
    }
  });
});

describe('registry deadlines (PGlite: waiting behind a transaction that holds the instance)', function () {
  this.timeout(60_000);
  it('a query and a transaction waiting behind a long transaction fail with registry_unavailable before it ends; then both work', async () => {
    const db = await PgliteDatabase.open(undefined, { timeoutMs: 200 });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    try {
      let holding!: () => void;
      const started = new Promise<void>((r) => (holding = r));
      let longDone = false;
      const long = db
        .transaction(async (tx) => {
          await tx.query('SELECT 1');
          holding();
          await held; // e.g. a caller doing other work inside its transaction
        })
        .finally(() => (longDone = true));
      await started;
      const [q, t] = await Promise.allSettled([db.query('SELECT 2'), db.transaction((tx) => tx.query('SELECT 3'))]);
      assert.equal(longDone, false, 'answered while the long transaction still held the instance');
      for (const r of [q, t]) assert.ok(r.status === 'rejected' && isRegistryError(r.reason, 'registry_unavailable'), String((r as PromiseRejectedResult).reason));
      release();
      await long;
      assert.deepEqual(await db.query<{ n: number }>('SELECT 4 AS n'), [{ n: 4 }]);
      assert.deepEqual(await db.transaction((tx) => tx.query<{ n: number }>('SELECT 5 AS n')), [{ n: 5 }]);
    } finally {
      release();
      await db.close();
    }
  });
});
