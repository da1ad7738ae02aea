// Idempotency-Key on POST /v1/auth/challenges (draft-ietf-httpapi-idempotency-key-header),
// with the in-process store and with a real redis-server shared by two app
// instances: the same key and body answer the same challenge (status, body,
// Idempotent-Replayed); another body is 422 idempotency_key_reused; a
// duplicate while the first is still running is 409 idempotency_key_in_use;
// keys are per RP; a failed run releases its key; the answer lives as long
// as the challenge.
import assert from 'node:assert/strict';
import { createClient } from 'redis';
import request from 'supertest';
import { idempotencyStoreKey } from '../../src/rp/idempotency.js';
import type { EphemeralStore } from '../../src/store/ephemeral.js';
import { MemoryStore } from '../../src/store/memory.js';
import { openRedisStore, type RedisStore } from '../../src/store/redis.js';
import { FixedClock, systemClock, type Clock } from '../../src/util/clock.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { addRp, buildApp, makeCa, openRegistry, type Registry, type TestApp, type TestCa } from './support/fixture.js';

const txn = { amount: '25000.00', currency: 'KHR', payee: 'ACLEDA Bank Plc.', reference: 'INV-7' };

/** A store whose challenge writes wait for `release()`: a first request held while a duplicate arrives. */
function gatedStore(inner: EphemeralStore): EphemeralStore & { hold(): void; release(): void; reached: Promise<void> } {
  let gate: Promise<void> | undefined;
  let open = (): void => undefined;
  let reachedResolve = (): void => undefined;
  const out = Object.create(inner) as EphemeralStore & { hold(): void; release(): void; reached: Promise<void> };
  out.hold = () => {
    gate = new Promise((r) => (open = r));
    out.reached = new Promise((r) => (reachedResolve = r));
  };
  out.release = () => open();
  out.setIfAbsent = async (key, value, ttl) => {
    if (key.startsWith('auth:ch:') && gate) {
      reachedResolve();
      await gate;
    }
    return inner.setIfAbsent(key, value, ttl);
  };
  return out;
}

for (const backend of ['memory', 'redis'] as const) {
  describe(`Idempotency-Key on POST /v1/auth/challenges (${backend} store)`, function () {
    this.timeout(60_000);
    let ca: TestCa;
    let reg: Registry;
    let redis: TestRedis | undefined;
    const closers: Array<() => Promise<void>> = [];

    before(async () => {
      [ca, reg] = await Promise.all([makeCa(), openRegistry()]);
      if (backend === 'redis') redis = await startRedis();
    });
    after(async () => {
      for (const c of closers) await c();
      await redis?.stop();
      await reg?.close();
      await ca?.cleanup();
    });

    async function store(clock: Clock): Promise<EphemeralStore> {
      if (backend === 'memory') return new MemoryStore(clock);
      const s: RedisStore = await openRedisStore({ url: redis!.url });
      closers.push(() => s.close());
      return s;
    }
    const post = (t: TestApp, bearer: string, body: object, key?: string) => {
      const r = request(t.app).post('/v1/auth/challenges').set('Authorization', bearer);
      return (key === undefined ? r : r.set('Idempotency-Key', key)).send(body);
    };

    it('the same key and body answer the same challenge, marked as a replay; without a key every POST is a new challenge', async () => {
      const t = await buildApp({ ca: ca.ca, db: reg.db, store: await store(systemClock), clock: systemClock });
      const rp = await addRp(reg.db);
      const body = { terminalId: 'atm-1', transaction: txn };
      const first = await post(t, rp.bearer, body, '"0b6d3a2e-8f1c-4c55-9d0e-1f2a3b4c5d6e"');
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal(first.headers['idempotent-replayed'], undefined);
      // The same key bare (not as a quoted string) and the body with its members in another order: the same request.
      const again = await post(t, rp.bearer, { transaction: { reference: 'INV-7', payee: txn.payee, currency: 'KHR', amount: '25000.00' }, terminalId: 'atm-1' }, '0b6d3a2e-8f1c-4c55-9d0e-1f2a3b4c5d6e');
      assert.equal(again.status, 201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal(again.text, first.text, 'byte for byte the same body');
      assert.equal(again.headers['location'], first.headers['location']);
      const plain1 = await post(t, rp.bearer, body);
      const plain2 = await post(t, rp.bearer, body);
      assert.notEqual(plain1.body.id, plain2.body.id);
      assert.notEqual(plain1.body.id, first.body.id);
    });

    it('the same key with another body is refused 422 idempotency_key_reused and creates nothing', async () => {
      const t = await buildApp({ ca: ca.ca, db: reg.db, store: await store(systemClock), clock: systemClock });
      const rp = await addRp(reg.db);
      const first = await post(t, rp.bearer, { terminalId: 'atm-1', transaction: txn }, 'order-42');
      assert.equal(first.status, 201);
      const other = await post(t, rp.bearer, { terminalId: 'atm-1', transaction: { ...txn, amount: '26000.00' } }, 'order-42');
      assert.equal(other.status, 422);
      assert.equal(other.body.code, 'idempotency_key_reused');
      assert.match(other.headers['content-type'] ?? '', /problem\+json/);
      const third = await post(t, rp.bearer, { terminalId: 'atm-1', transaction: txn }, 'order-42');
      assert.equal(third.body.id, first.body.id, 'the key still answers its own request');
    });

    it('a duplicate while the first is running is 409 idempotency_key_in_use; once done it is a replay', async () => {
      const gated = gatedStore(await store(systemClock));
      const t = await buildApp({ ca: ca.ca, db: reg.db, store: gated, clock: systemClock });
      const rp = await addRp(reg.db);
      const body = { terminalId: 'atm-1' };
      gated.hold();
      const first = post(t, rp.bearer, body, 'dup-1').then((r) => r);
      await gated.reached;
      const dup = await post(t, rp.bearer, body, 'dup-1');
      assert.equal(dup.status, 409);
      assert.equal(dup.body.code, 'idempotency_key_in_use');
      gated.release();
      const done = await first;
      assert.equal(done.status, 201);
      const replay = await post(t, rp.bearer, body, 'dup-1');
      assert.equal(replay.body.id, done.body.id);
      assert.equal(replay.headers['idempotent-replayed'], 'true');
    });

    it('of 20 concurrent requests with one key exactly one creates a challenge; the rest are in use or replays of it', async () => {
      const t = await buildApp({ ca: ca.ca, db: reg.db, store: await store(systemClock), clock: systemClock });
      const rp = await addRp(reg.db);
      const rs = await Promise.all(Array.from({ length: 20 }, () => post(t, rp.bearer, { terminalId: 'atm-2' }, 'burst-1')));
      const created = rs.filter((r) => r.status === 201 && r.headers['idempotent-replayed'] === undefined);
      assert.equal(created.length, 1);
      for (const r of rs) {
        if (r.status === 201) assert.equal(r.body.id, created[0]!.body.id);
        else assert.deepEqual([r.status, r.body.code], [409, 'idempotency_key_in_use']);
      }
    });

    it('keys are scoped per RP: another RP with the same key gets its own challenge', async () => {
      const t = await buildApp({ ca: ca.ca, db: reg.db, store: await store(systemClock), clock: systemClock });
      const [a, b] = [await addRp(reg.db), await addRp(reg.db)];
      const ra = await post(t, a.bearer, { terminalId: 'atm-1' }, 'shared-key');
      const rb = await post(t, b.bearer, { terminalId: 'atm-1' }, 'shared-key');
      assert.equal(ra.status, 201);
      assert.equal(rb.status, 201);
      assert.equal(rb.headers['idempotent-replayed'], undefined);
      assert.equal(rb.body.rpId, b.rp.id);
      assert.notEqual(ra.body.id, rb.body.id);
    });

    it('a refused request releases its key: the corrected request with the same key is then created', async () => {
      const t = await buildApp({ ca: ca.ca, db: reg.db, store: await store(systemClock), clock: systemClock });
      const rp = await addRp(reg.db);
      const refused = await post(t, rp.bearer, { terminalId: 'atm-1', requestedAttributes: ['surname'], consentText: 'Share your surname' }, 'retry-me');
      assert.equal(refused.status, 403);
      assert.equal(refused.body.code, 'scope_not_allowed');
      const ok = await post(t, rp.bearer, { terminalId: 'atm-1' }, 'retry-me');
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
    });

    it('a malformed key is 400 idempotency_key_invalid', async () => {
      const t = await buildApp({ ca: ca.ca, db: reg.db, store: await store(systemClock), clock: systemClock });
      const rp = await addRp(reg.db);
      for (const bad of ['', '"', 'x'.repeat(256), 'two words', '"a"b"']) {
        const r = await post(t, rp.bearer, { terminalId: 'atm-1' }, bad);
        assert.deepEqual([r.status, r.body.code], [400, 'idempotency_key_invalid'], JSON.stringify(bad));
      }
    });

    it('the answer is kept for the challenge\'s lifetime and no longer', async () => {
      const clock = new FixedClock(new Date());
      const s = await store(clock);
      const t = await buildApp({ ca: ca.ca, db: reg.db, store: s, clock });
      const rp = await addRp(reg.db);
      const first = await post(t, rp.bearer, { terminalId: 'atm-1', ttlSeconds: 10 }, 'short-lived');
      assert.equal(first.status, 201);
      if (backend === 'memory') {
        clock.advance(9_000);
        assert.equal((await post(t, rp.bearer, { terminalId: 'atm-1', ttlSeconds: 10 }, 'short-lived')).body.id, first.body.id);
        clock.advance(1_500);
      } else {
        // Redis keeps its own time: the key's expiry is the challenge's.
        const client = createClient({ url: redis!.url });
        await client.connect();
        const ttl = await client.pTTL(idempotencyStoreKey(rp.rp.id, 'short-lived'));
        await client.close();
        assert.ok(ttl > 8_000 && ttl <= 10_000, String(ttl));
        await s.del(idempotencyStoreKey(rp.rp.id, 'short-lived'));
      }
      const later = await post(t, rp.bearer, { terminalId: 'atm-1', ttlSeconds: 10 }, 'short-lived');
      assert.equal(later.status, 201);
      assert.notEqual(later.body.id, first.body.id, 'after the challenge expired the key starts afresh');
    });
  });
}
