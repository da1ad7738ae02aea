// The auth flow on a real redis-server (the production store): 100 concurrent
// submissions of one valid response → exactly one result; a challenge made
// through one app instance is consumed once across two instances (two
// service processes share Redis); Redis down → 503 `unavailable`, never a
// result; the registry down → 503 and the challenge back in Redis for the
// same response to complete later; rate limits counted in Redis; another RP
// can neither consume nor see a challenge by its id.
import assert from 'node:assert/strict';
import request from 'supertest';
import { registryCardStatus } from '../../src/auth/adapters/registry-status.js';
import { challengeKey } from '../../src/auth/lib/store-keys.js';
import { PostgresDatabase } from '../../src/registry/postgres.js';
import { openRedisStore, type RedisStore } from '../../src/store/redis.js';
import { systemClock } from '../../src/util/clock.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { addRp, buildApp, cardSignInput, issueCard, makeCa, openRegistry, registerCard, type Registry, type TestCa, type TestCard } from './support/fixture.js';

describe('auth HTTP API on real Redis', function () {
  this.timeout(60_000);
  let ca: TestCa;
  let reg: Registry;
  let redis: TestRedis;
  let card: TestCard;
  const stores: RedisStore[] = [];

  before(async () => {
    [ca, reg, redis] = await Promise.all([makeCa(), openRegistry(), startRedis()]);
    card = await issueCard(ca.ca);
    await registerCard(reg.db, card);
  });
  after(async () => {
    for (const s of stores) await s.close();
    await redis?.stop();
    await reg?.close();
    await ca?.cleanup();
  });

  async function app(url = redis.url) {
    const store = await openRedisStore({ url, commandTimeoutMs: 500 });
    stores.push(store);
    return buildApp({ ca: ca.ca, db: reg.db, store, clock: systemClock });
  }

  function answer(ch: { signingInput: { input: string }; terminalId: string }) {
    return { terminalId: ch.terminalId, certificate: card.der.toString('base64'), signature: cardSignInput(card, ch.signingInput.input).toString('base64') };
  }

  it('of 100 concurrent submissions over two service instances exactly one succeeds', async () => {
    const [a, b] = [await app(), await app()];
    const rp = await addRp(reg.db);
    const ch = (await request(a.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1' })).body;
    const body = answer(ch);
    const rs = await Promise.all(
      Array.from({ length: 100 }, (_, i) => request((i % 2 ? a : b).app).post(`/v1/auth/challenges/${ch.id}/response`).set('Authorization', rp.bearer).send(body)),
    );
    assert.equal(rs.filter((r) => r.status === 200).length, 1);
    assert.deepEqual([...new Set(rs.filter((r) => r.status !== 200).map((r) => r.body.code))], ['challenge_used']);
    const st = await request(b.app).get(`/v1/auth/challenges/${ch.id}`).set('Authorization', rp.bearer);
    assert.equal(st.body.status, 'completed');
  });

  it("another RP's response, GET and DELETE on Redis are not found; the owner then completes the challenge", async () => {
    const t = await app();
    const [owner, other] = [await addRp(reg.db), await addRp(reg.db)];
    const ch = (await request(t.app).post('/v1/auth/challenges').set('Authorization', owner.bearer).send({ terminalId: 'atm-1' })).body;
    const path = `/v1/auth/challenges/${ch.id}`;
    const r = await request(t.app).post(`${path}/response`).set('Authorization', other.bearer).send(answer(ch));
    assert.deepEqual([r.status, r.body.code], [404, 'challenge_not_found']);
    const get = await request(t.app).get(path).set('Authorization', other.bearer);
    assert.deepEqual([get.status, get.body.code], [404, 'challenge_not_found']);
    const del = await request(t.app).delete(path).set('Authorization', other.bearer);
    assert.deepEqual([del.status, del.body.code], [404, 'challenge_not_found']);
    assert.equal((await request(t.app).get(path).set('Authorization', owner.bearer)).body.status, 'pending');
    const ok = await request(t.app).post(`${path}/response`).set('Authorization', owner.bearer).send(answer(ch));
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((await request(t.app).get(path).set('Authorization', owner.bearer)).body.status, 'completed');
  });

  it('a challenge cancelled through one instance is challenge_cancelled to a response and a DELETE through the other', async () => {
    const [a, b] = [await app(), await app()];
    const rp = await addRp(reg.db);
    const ch = (await request(a.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1' })).body;
    const path = `/v1/auth/challenges/${ch.id}`;
    assert.equal((await request(a.app).delete(path).set('Authorization', rp.bearer)).status, 204);
    const late = await request(b.app).post(`${path}/response`).set('Authorization', rp.bearer).send(answer(ch));
    assert.deepEqual([late.status, late.body.code], [409, 'challenge_cancelled']);
    const again = await request(b.app).delete(path).set('Authorization', rp.bearer);
    assert.deepEqual([again.status, again.body.code], [409, 'challenge_cancelled']);
    assert.deepEqual((await request(b.app).get(path).set('Authorization', rp.bearer)).body, { status: 'failed', code: 'challenge_cancelled' });
  });

  it('counts rate limits in Redis across instances', async () => {
    const [a, b] = [await app(), await app()];
    const rp = await addRp(reg.db, { rateLimitPerMinute: 4 });
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await request((i % 2 ? a : b).app).get('/v1/rp/me').set('Authorization', rp.bearer)).status);
    assert.deepEqual(codes, [200, 200, 200, 200, 429, 429]);
  });

  it('a response refused by the terminal limit (one Lua step with the GETDEL) leaves the challenge pending', async () => {
    const t = await app();
    const rp = await addRp(reg.db, { rateLimitPerMinute: 100, terminalRatePerMinute: 2 });
    const ch = (await request(t.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1' })).body;
    assert.equal((await request(t.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1' })).status, 201);
    const r = await request(t.app).post(`/v1/auth/challenges/${ch.id}/response`).set('Authorization', rp.bearer).send(answer(ch));
    assert.equal(r.status, 429);
    assert.equal(r.body.code, 'rate_limited');
    assert.equal(r.headers['ratelimit-limit'], '2');
    assert.ok(Number(r.headers['retry-after']) >= 1);
    assert.equal((await request(t.app).get(`/v1/auth/challenges/${ch.id}`).set('Authorization', rp.bearer)).body.status, 'pending');
  });

  it('malformed responses count in Redis: beyond the RP limit 429 with the headers, and the challenge stays pending', async () => {
    const t = await app();
    const rp = await addRp(reg.db, { rateLimitPerMinute: 3 });
    const ch = (await request(t.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1' })).body; // 1 of 3
    const post = (body: Record<string, unknown>) => request(t.app).post(`/v1/auth/challenges/${ch.id}/response`).set('Authorization', rp.bearer).send(body);
    const a = answer(ch);
    assert.equal((await post({ ...a, signature: '!!' })).headers['ratelimit-remaining'], '1');
    assert.equal((await post({ terminalId: 'atm-1' })).headers['ratelimit-remaining'], '0');
    const r = await post({ ...a, signature: '!!' });
    assert.equal(r.status, 429);
    assert.equal(r.body.code, 'rate_limited');
    assert.equal(r.headers['ratelimit-limit'], '3');
    assert.ok(Number(r.headers['retry-after']) >= 1);
    assert.equal((await post(a)).status, 429, 'a valid response is refused too, consuming nothing');
    assert.notEqual(await stores.at(-1)!.get(challengeKey(rp.rp.id, ch.id)), null, 'the challenge is still in Redis');
  });

  it('the registry down: 503, the challenge back in Redis with its lifetime, and the same response completes it through another instance', async () => {
    const store = await openRedisStore({ url: redis.url, commandTimeoutMs: 500 });
    stores.push(store);
    const dead = new PostgresDatabase(reg.pg.url);
    await dead.close();
    const down = await buildApp({ ca: ca.ca, db: reg.db, store, clock: systemClock, status: registryCardStatus(dead) });
    const rp = await addRp(reg.db);
    const ch = (await request(down.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1' })).body;
    const stored = await store.get(challengeKey(rp.rp.id, ch.id));
    const body = answer(ch);
    const r = await request(down.app).post(`/v1/auth/challenges/${ch.id}/response`).set('Authorization', rp.bearer).send(body);
    assert.equal(r.status, 503);
    assert.equal(r.body.code, 'unavailable');
    assert.equal(await store.get(challengeKey(rp.rp.id, ch.id)), stored);
    const { createClient } = await import('redis');
    const raw = createClient({ url: redis.url });
    await raw.connect();
    const ttl = await raw.pTTL(challengeKey(rp.rp.id, ch.id));
    await raw.close();
    assert.ok(ttl > 0 && ttl <= new Date(ch.expiresAt).getTime() - Date.now() + 1000, `the record keeps its own expiry (${ttl} ms left)`);
    const up = await app();
    const ok = await request(up.app).post(`/v1/auth/challenges/${ch.id}/response`).set('Authorization', rp.bearer).send(body);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((await request(down.app).post(`/v1/auth/challenges/${ch.id}/response`).set('Authorization', rp.bearer).send(body)).body.code, 'challenge_used');
  });

  it('answers 503 unavailable, never a result, when Redis is down', async () => {
    const own = await startRedis();
    const t = await app(own.url);
    const rp = await addRp(reg.db);
    const ch = (await request(t.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1' })).body;
    await own.stop();
    const r = await request(t.app).post(`/v1/auth/challenges/${ch.id}/response`).set('Authorization', rp.bearer).send(answer(ch));
    assert.equal(r.status, 503);
    assert.equal(r.body.code, 'unavailable');
    assert.equal(r.body.result, undefined);
    const c = await request(t.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1' });
    assert.equal(c.status, 503);
    assert.equal(c.body.code, 'unavailable');
  });
});
