// The engine and the lifecycle against the real registry (src/registry SQL
// and migrations), on PGlite and on a PostgreSQL server: the final
// transaction is all-or-nothing (a failure inside it leaves no card, no
// certificate, the stock reserved, the job open), one open job per card is
// enforced by the database, and every change is in the audit log.
import assert from 'node:assert/strict';
import { VirtualCard } from '../../firmware-sim/index.js';
import { openInProcessChannel } from '../../src/card/in-process.js';
import { migrate } from '../../src/registry/migrate.js';
import { openDatabase, openMemoryDatabase } from '../../src/registry/open-database.js';
import { receiveStock } from '../../src/registry/repos/card-stock.js';
import type { Database, Sql, SqlParam } from '../../src/registry/sql.js';
import { enrolCitizen } from '../../src/issuance/enrol-citizen.js';
import { createIssuanceEngine } from '../../src/issuance/engine/run-job.js';
import { resumeCard, revokeCard, suspendCard } from '../../src/issuance/lifecycle/change-status.js';
import { replaceCard } from '../../src/issuance/lifecycle/replace.js';
import type { IssuanceRegistry } from '../../src/issuance/ports/registry.js';
import { sqlIssuanceRegistry } from '../../src/issuance/store/sql-registry.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { addStaff, approve, login, requestApproval, staffApprovalGate, staffDeps } from '../../src/staff/index.js';
import { MemoryStore } from '../../src/store/memory.js';
import { systemClock } from '../../src/util/clock.js';
import {
  TestApprovals,
  attestationCertOf,
  blankCard,
  capturingPukDisplay,
  makeFixture,
  officer,
  openCard,
  scriptedPinPad,
  supervisor,
  type IssuanceFixture,
} from './support/fixture.js';
import { localCardholder } from '../../src/issuance/cardholder/local.js';
import type { CardChannel } from '../../src/card/channel.js';

/** A Database whose next statement matching `pattern` fails like a lost connection. */
class FaultyDatabase implements Database {
  failOn: RegExp | undefined;
  constructor(private readonly inner: Database) {}
  get kind() {
    return this.inner.kind;
  }
  #wrap(sql: Sql): Sql {
    return {
      query: async <R extends Record<string, unknown>>(text: string, params?: readonly SqlParam[]) => {
        if (this.failOn?.test(text)) {
          this.failOn = undefined;
          throw new Error('simulated database failure');
        }
        return sql.query<R>(text, params);
      },
      transaction: (fn) => sql.transaction((tx) => fn(this.#wrap(tx))),
      exec: (script) => sql.exec(script),
    };
  }
  query<R extends Record<string, unknown>>(text: string, params?: readonly SqlParam[]) {
    return this.#wrap(this.inner).query<R>(text, params);
  }
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    return this.#wrap(this.inner).transaction(fn);
  }
  exec(script: string): Promise<void> {
    return this.inner.exec(script);
  }
  close() {
    return this.inner.close();
  }
}

for (const backend of ['pglite', 'postgres'] as const) {
  describe(`issuance on the SQL registry (${backend})`, function () {
    this.timeout(120_000);
    let pgServer: TestPostgres | undefined;
    let db: FaultyDatabase;
    let registry: IssuanceRegistry;
    let f: IssuanceFixture;
    let n = 0;

    before(async () => {
      let inner: Database;
      if (backend === 'postgres') {
        pgServer = await startPostgres();
        inner = await openDatabase({ url: pgServer.url, dataDir: '/nonexistent' });
      } else {
        inner = await openMemoryDatabase();
      }
      await migrate(inner);
      db = new FaultyDatabase(inner);
      registry = sqlIssuanceRegistry(db);
      f = await makeFixture({ registry });
    });
    after(async () => {
      await f?.cleanup();
      await db?.close();
      await pgServer?.stop();
    });

    async function stocked(): Promise<{ file: string; serial: number; card: VirtualCard }> {
      const c = await blankCard(f);
      const card = await VirtualCard.open(c.file);
      const ch = await openInProcessChannel(card);
      await receiveStock(db, { serial: c.serial, manufacturer: 'firmware-sim', attestationCertDer: await attestationCertOf(ch) }, 'stock-clerk', new Date());
      await ch.close();
      return { ...c, card };
    }
    async function citizen(): Promise<string> {
      n++;
      const nationalId = `SQL${backend === 'postgres' ? 'P' : 'L'}${String(n).padStart(5, '0')}`;
      await enrolCitizen(f.deps, { nationalId, surname: 'Faber', givenName: 'Nora', birthDate: '1988-08-08' }, officer);
      return nationalId;
    }
    const station = (channel: CardChannel) => ({ actor: officer, cardholder: localCardholder(channel, scriptedPinPad('250871'), capturingPukDisplay()) });
    const count = async (sql: string, ...p: SqlParam[]) => Number((await db.query<{ n: number }>(sql, p))[0]!.n);

    it('personalises and records card, certificate (with attestation), stock and audit', async () => {
      const c = await stocked();
      const { channel } = await openCard(c.file);
      const r = await createIssuanceEngine(f.deps).personalise({ channel, nationalId: await citizen(), ...station(channel) });
      assert.equal((await registry.getCard(c.serial as never))?.status, 'active');
      const certs = await registry.certificatesOf(c.serial as never);
      assert.equal(certs.length, 1);
      assert.equal(await count('SELECT count(*)::int AS n FROM certificates WHERE card_serial = $1 AND attestation_der IS NOT NULL', c.serial), 1);
      assert.equal((await registry.getStock(c.serial as never))?.status, 'issued');
      assert.equal((await registry.getJob(r.jobId))?.status, 'completed');
      assert.ok((await count(`SELECT count(*)::int AS n FROM audit_log WHERE subject = $1 AND action = 'card.register'`, `card:${c.serial}`)) === 1);
    });

    it('a failure inside the final transaction rolls all of it back; the re-run completes', async () => {
      const c = await stocked();
      const { channel } = await openCard(c.file);
      db.failOn = /INSERT INTO certificates/;
      await assert.rejects(createIssuanceEngine(f.deps).personalise({ channel, nationalId: await citizen(), ...station(channel) }), /simulated database failure/);
      assert.equal(await registry.getCard(c.serial as never), undefined);
      assert.equal(await count('SELECT count(*)::int AS n FROM certificates WHERE card_serial = $1', c.serial), 0);
      assert.equal((await registry.getStock(c.serial as never))?.status, 'reserved');
      assert.equal((await registry.findOpenJob(c.serial as never))?.status, 'interrupted');
      const r = await createIssuanceEngine(f.deps).personalise({ channel, ...station(channel) });
      assert.equal(r.resumed, true);
      assert.equal((await registry.getCard(c.serial as never))?.status, 'active');
    });

    it('the database refuses a second open job for the same card', async () => {
      const c = await stocked();
      const ch1 = await openInProcessChannel(c.card);
      const ch2 = await openInProcessChannel(c.card);
      const engine = createIssuanceEngine(f.deps);
      const [a, b] = await Promise.allSettled([
        engine.personalise({ channel: ch1, nationalId: await citizen(), ...station(ch1) }),
        engine.personalise({ channel: ch2, nationalId: await citizen(), ...station(ch2) }),
      ]);
      const outcomes = [a, b].map((x) => (x.status === 'fulfilled' ? 'ok' : (x.reason as { code?: string }).code));
      assert.deepEqual(outcomes.sort(), ['issuance_in_progress', 'ok']);
      assert.equal(await count('SELECT count(*)::int AS n FROM issuance_jobs WHERE card_serial = $1', c.serial), 1);
    });

    it('lifecycle: suspend, resume, replace (superseded), revoke — statuses and audit', async () => {
      const c = await stocked();
      const { channel } = await openCard(c.file);
      const nationalId = await citizen();
      const engine = createIssuanceEngine(f.deps);
      await engine.personalise({ channel, nationalId, ...station(channel) });
      const deps = { registry, clock: f.deps.clock, approvals: new TestApprovals() };
      await suspendCard(deps, c.serial as never, supervisor);
      assert.equal((await registry.certificatesOf(c.serial as never))[0]!.status, 'hold');
      await resumeCard(deps, c.serial as never, supervisor);
      const fresh = await stocked();
      const { channel: ch2 } = await openCard(fresh.file);
      await replaceCard({ registry, engine }, c.serial as never, { channel: ch2, ...station(ch2) });
      assert.equal((await registry.getCard(c.serial as never))?.status, 'superseded');
      assert.deepEqual((await registry.certificatesOf(c.serial as never)).map((x) => [x.status, x.revocationReason]), [['revoked', 'superseded']]);
      await revokeCard(deps, fresh.serial as never, 'affiliationChanged', supervisor);
      assert.equal((await registry.getCertificate((await registry.certificatesOf(fresh.serial as never))[0]!.serialHex))?.status, 'revoked');
      assert.ok((await count(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'certificate.revoke'`)) >= 2);
    });

    it('revocation for key compromise with the staff module’s four-eyes approval', async () => {
      const c = await stocked();
      const { channel } = await openCard(c.file);
      await createIssuanceEngine(f.deps).personalise({ channel, nationalId: await citizen(), ...station(channel) });
      const staff = staffDeps({ sql: db, store: new MemoryStore(), clock: systemClock });
      const tag = backend === 'postgres' ? 'p' : 'l';
      await addStaff(staff, undefined, { username: `root${tag}`, displayName: 'Root', role: 'admin', password: 'a long admin pass phrase 1' });
      const admin = (await login(staff, { username: `root${tag}`, password: 'a long admin pass phrase 1', address: 't' })).principal;
      await addStaff(staff, admin, { username: `sup1${tag}`, displayName: 'One', role: 'supervisor', password: 'first supervisor phrase 22' });
      await addStaff(staff, admin, { username: `sup2${tag}`, displayName: 'Two', role: 'supervisor', password: 'second supervisor phrase 3' });
      const one = (await login(staff, { username: `sup1${tag}`, password: 'first supervisor phrase 22', address: 't' })).principal;
      const two = (await login(staff, { username: `sup2${tag}`, password: 'second supervisor phrase 3', address: 't' })).principal;
      const deps = { registry, clock: f.deps.clock, approvals: staffApprovalGate(staff) };
      const req = await requestApproval(staff, 'revoke-key-compromise', String(c.serial), one, 'card reported cloned');
      await assert.rejects(revokeCard(deps, c.serial as never, 'keyCompromise', one, { approvalId: req.id }), (e: unknown) => (e as { code?: string }).code === 'lifecycle_approval_required');
      await approve(staff, req.id, two);
      await revokeCard(deps, c.serial as never, 'keyCompromise', one, { approvalId: req.id });
      assert.deepEqual((await registry.certificatesOf(c.serial as never)).map((x) => x.revocationReason), ['keyCompromise']);
      await assert.rejects(revokeCard(deps, c.serial as never, 'keyCompromise', one, { approvalId: req.id }));
    });
  });
}
