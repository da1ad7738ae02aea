// Audit log (docs/architecture.md, "Audit log"): hash-chained, append-only in the database,
// written in the same transaction as the change, and `verify` names the first
// entry that was altered, removed or reordered. Tampering is done directly in
// the table with the guard triggers switched off, as a database superuser could.
import assert from 'node:assert/strict';
import { appendAudit } from '../../src/registry/audit/append.js';
import { verifyAuditChain } from '../../src/registry/audit/verify.js';
import { readAuditLog } from '../../src/registry/audit/read.js';
import { insertCitizen } from '../../src/registry/repos/citizens.js';
import { isRegistryError } from '../../src/registry/codes.js';
import { PostgresDatabase } from '../../src/registry/postgres.js';
import { asTamperer, backends, resetRegistry, useDatabase } from './support/backends.js';

const T0 = new Date('2026-03-01T10:00:00.000Z');

for (const kind of backends) {
  describe(`audit log (${kind})`, () => {
    const h = useDatabase(kind);
    beforeEach(() => resetRegistry(h.db));

    async function fill(n: number): Promise<void> {
      for (let i = 1; i <= n; i++) {
        await appendAudit(h.db, { actor: 'staff:test', action: 'test.event', subject: `thing:${i}`, data: { i, note: `n${i}` }, at: new Date(T0.getTime() + i * 1000) });
      }
    }

    it('chains entries: seq 1…n, each prev_hash the hash before it; verify passes', async () => {
      await fill(5);
      const rows = await h.db.query<{ seq: number; prev_hash: Uint8Array; hash: Uint8Array }>('SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq');
      assert.deepEqual(rows.map((r) => Number(r.seq)), [1, 2, 3, 4, 5]);
      assert.deepEqual(Buffer.from(rows[0]!.prev_hash), Buffer.alloc(32));
      for (let i = 1; i < rows.length; i++) assert.deepEqual(Buffer.from(rows[i]!.prev_hash), Buffer.from(rows[i - 1]!.hash));
      const v = await verifyAuditChain(h.db);
      assert.equal(v.ok, true);
      assert.equal(v.entries, 5);
      assert.ok(v.ok && v.headHash === Buffer.from(rows[4]!.hash).toString('hex'));
    });

    it('an empty log verifies', async () => {
      assert.deepEqual(await verifyAuditChain(h.db), { ok: true, entries: 0, headSeq: 0, headHash: '00'.repeat(32) });
    });

    it('the database refuses UPDATE, DELETE and TRUNCATE of entries', async () => {
      await fill(2);
      for (const stmt of [`UPDATE audit_log SET actor = 'x' WHERE seq = 1`, 'DELETE FROM audit_log WHERE seq = 2', 'TRUNCATE audit_log']) {
        await assert.rejects(h.db.query(stmt), (e) => isRegistryError(e, 'registry_constraint') && (e.cause as { code?: string }).code === 'AU001', stmt);
      }
      for (const stmt of ['UPDATE audit_head SET seq = 0', 'DELETE FROM audit_head']) {
        await assert.rejects(h.db.query(stmt), (e) => isRegistryError(e, 'registry_constraint') && (e.cause as { code?: string }).code === 'AU002', stmt);
      }
      assert.equal((await verifyAuditChain(h.db)).ok, true);
    });

    it('names an altered entry', async () => {
      await fill(6);
      await asTamperer(h.db, `UPDATE audit_log SET data = '{"i":4,"note":"changed"}' WHERE seq = 4`);
      const v = await verifyAuditChain(h.db);
      assert.deepEqual(v.ok ? v : { problem: v.problem, seq: v.seq, entries: v.entries }, { problem: 'altered', seq: 4, entries: 3 });
    });

    it('names an altered actor or time too', async () => {
      await fill(3);
      await asTamperer(h.db, `UPDATE audit_log SET at = at + interval '1 second' WHERE seq = 2`);
      const v = await verifyAuditChain(h.db);
      assert.ok(!v.ok && v.problem === 'altered' && v.seq === 2, JSON.stringify(v));
    });

    it('names a removed entry (middle)', async () => {
      await fill(6);
      await asTamperer(h.db, 'DELETE FROM audit_log WHERE seq = 3');
      const v = await verifyAuditChain(h.db);
      assert.ok(!v.ok && v.problem === 'removed' && v.seq === 3, JSON.stringify(v));
    });

    it('names a removed entry that was hidden by renumbering the rest', async () => {
      await fill(5);
      await asTamperer(h.db, 'DELETE FROM audit_log WHERE seq = 2; UPDATE audit_log SET seq = seq - 1 WHERE seq > 2;');
      const v = await verifyAuditChain(h.db);
      assert.ok(!v.ok && v.seq === 2, JSON.stringify(v));
    });

    it('names entries removed from the end (the head remembers)', async () => {
      await fill(5);
      await asTamperer(h.db, 'DELETE FROM audit_log WHERE seq >= 4');
      const v = await verifyAuditChain(h.db);
      assert.ok(!v.ok && v.problem === 'removed' && v.seq === 4 && v.entries === 3, JSON.stringify(v));
    });

    it('names the first of two swapped (reordered) entries', async () => {
      await fill(6);
      await asTamperer(h.db, 'UPDATE audit_log SET seq = seq + 1000 WHERE seq IN (3, 4); UPDATE audit_log SET seq = CASE seq WHEN 1003 THEN 4 ELSE 3 END WHERE seq > 1000;');
      const v = await verifyAuditChain(h.db);
      assert.ok(!v.ok && v.problem === 'reordered' && v.seq === 3 && v.entries === 2, JSON.stringify(v));
    });

    it('verifies across pages', async () => {
      await fill(7);
      assert.equal((await verifyAuditChain(h.db, { pageSize: 2 })).ok, true);
      await asTamperer(h.db, `UPDATE audit_log SET subject = 'thing:other' WHERE seq = 6`);
      const v = await verifyAuditChain(h.db, { pageSize: 2 });
      assert.ok(!v.ok && v.seq === 6 && v.problem === 'altered', JSON.stringify(v));
    });

    it('an entry rolls back with the change it records (same transaction)', async () => {
      await assert.rejects(
        h.db.transaction(async (tx) => {
          await insertCitizen(tx, { nationalId: 'AB123456', surname: 'Sok', givenName: 'Dara', birthDate: '1990-01-02', country: 'KH' }, 'staff:t', T0);
          throw new Error('later step failed');
        }),
        /later step failed/,
      );
      assert.equal((await h.db.query('SELECT 1 FROM citizens')).length, 0);
      assert.equal((await h.db.query('SELECT 1 FROM audit_log')).length, 0);
      // and a change that fails leaves no entry either
      await insertCitizen(h.db, { nationalId: 'AB123456', surname: 'Sok', givenName: 'Dara', birthDate: '1990-01-02', country: 'KH' }, 'staff:t', T0);
      await assert.rejects(
        insertCitizen(h.db, { nationalId: 'AB123456', surname: 'Chan', givenName: 'Lina', birthDate: '1991-01-02', country: 'KH' }, 'staff:t', T0),
        (e) => isRegistryError(e, 'citizen_exists'),
      );
      const log = await readAuditLog(h.db, { limit: 10 });
      assert.deepEqual(log.map((e) => [e.seq, e.action]), [[1, 'citizen.enrol']]);
      assert.equal((await verifyAuditChain(h.db)).ok, true);
    });

    it('refuses audit data that looks like a secret', async () => {
      await assert.rejects(appendAudit(h.db, { actor: 'a', action: 'x.y', subject: 's', data: { pin: '123456' }, at: T0 }), /secret/);
      await assert.rejects(appendAudit(h.db, { actor: 'a', action: 'x.y', subject: 's', data: { nested: { apiSecret: 'x' } }, at: T0 }), /secret/);
      await appendAudit(h.db, { actor: 'a', action: 'x.y', subject: 's', data: { pinRetries: 3 }, at: T0 });
    });

    it('concurrent appends keep one linear chain', async function () {
      this.timeout(60_000);
      // For PostgreSQL: a second pool, so appends really race on separate connections.
      const other = kind === 'postgres' ? new PostgresDatabase(h.url!, { max: 8 }) : h.db;
      try {
        const n = 60;
        await Promise.all(
          Array.from({ length: n }, (_, i) =>
            (i % 2 === 0 ? h.db : other).transaction(async (tx) => {
              await appendAudit(tx, { actor: 'race', action: 'race.a', subject: `r:${i}`, data: { i }, at: T0 });
              await appendAudit(tx, { actor: 'race', action: 'race.b', subject: `r:${i}`, data: { i }, at: T0 });
            }),
          ),
        );
        const rows = await h.db.query<{ seq: number; subject: string; action: string }>('SELECT seq, subject, action FROM audit_log ORDER BY seq');
        assert.deepEqual(rows.map((r) => Number(r.seq)), Array.from({ length: 2 * n }, (_, i) => i + 1));
        // each transaction's two entries are adjacent: the head lock is held to commit
        for (let i = 0; i < rows.length; i += 2) {
          assert.equal(rows[i]!.subject, rows[i + 1]!.subject);
          assert.deepEqual([rows[i]!.action, rows[i + 1]!.action], ['race.a', 'race.b']);
        }
        assert.equal((await verifyAuditChain(h.db)).ok, true);
      } finally {
        if (other !== h.db) await other.close();
      }
    });
  });
}
