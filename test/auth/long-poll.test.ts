// GET /v1/auth/challenges/{id}?wait=N: answers as soon as the challenge
// leaves pending (completed, cancelled, expired), or pending after N
// seconds; across two app instances sharing a real redis-server (no
// in-process wake-up, the poll loop alone); a client that disconnects ends
// its wait; bounded per process; the query schema is in OpenAPI.
import assert from 'node:assert/strict';
import { request as httpRequest, type Server } from 'node:http';
import request from 'supertest';
import { waitForChallengeState, waitsUnderWay } from '../../src/auth/wait-for-challenge-state.js';
import type { ChallengeId } from '../../src/auth/wire.js';
import { MemoryStore } from '../../src/store/memory.js';
import { openRedisStore, type RedisStore } from '../../src/store/redis.js';
import { FixedClock, systemClock } from '../../src/util/clock.js';
import { waitFor } from '../support/pcsc.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { addRp, buildApp, cardSignInput, issueCard, makeCa, openRegistry, registerCard, type Registry, type TestApp, type TestCa, type TestCard } from './support/fixture.js';

describe('long-poll: GET /v1/auth/challenges/{id}?wait=N', function () {
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

  const answer = (ch: { signingInput: { input: string }; terminalId: string }) => ({
    terminalId: ch.terminalId,
    certificate: card.der.toString('base64'),
    signature: cardSignInput(card, ch.signingInput.input).toString('base64'),
  });
  async function newChallenge(t: TestApp, bearer: string, body: object = { terminalId: 'atm-1' }) {
    const r = await request(t.app).post('/v1/auth/challenges').set('Authorization', bearer).send(body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: string; terminalId: string; signingInput: { input: string } };
  }
  const poll = (t: TestApp, bearer: string, id: string, wait: number | string) => request(t.app).get(`/v1/auth/challenges/${id}?wait=${wait}`).set('Authorization', bearer);

  it('answers completed with the result once the response is in, not pending', async () => {
    const t = await buildApp({ ca: ca.ca, db: reg.db, store: new MemoryStore(), clock: systemClock });
    const rp = await addRp(reg.db);
    const ch = await newChallenge(t, rp.bearer);
    const waiting = poll(t, rp.bearer, ch.id, 20).then((r) => r);
    await waitFor(async () => waitsUnderWay() === 1, { what: 'the poll to wait', timeoutMs: 5000 });
    const done = await request(t.app).post(`/v1/auth/challenges/${ch.id}/response`).set('Authorization', rp.bearer).send(answer(ch));
    assert.equal(done.status, 200);
    const r = await waiting;
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'completed');
    assert.equal(r.body.result, done.body.result);
  });

  it('answers pending after N seconds when nothing happened, and at once without wait', async () => {
    const t = await buildApp({ ca: ca.ca, db: reg.db, store: new MemoryStore(), clock: systemClock });
    const rp = await addRp(reg.db);
    const ch = await newChallenge(t, rp.bearer);
    const started = performance.now();
    const r = await poll(t, rp.bearer, ch.id, 1);
    assert.equal(r.body.status, 'pending');
    assert.ok(performance.now() - started >= 900, 'it waited for the second it was given');
    assert.equal(waitsUnderWay(), 0);
    const now = await poll(t, rp.bearer, ch.id, 0);
    assert.equal(now.body.status, 'pending');
    assert.equal(now.body.challenge.id, ch.id);
  });

  it('across two instances sharing Redis: the wait on one sees the response completed on the other', async () => {
    const open = async () => {
      const s = await openRedisStore({ url: redis.url });
      stores.push(s);
      return buildApp({ ca: ca.ca, db: reg.db, store: s, clock: systemClock });
    };
    const [a, b] = [await open(), await open()];
    const rp = await addRp(reg.db);
    const ch = await newChallenge(a, rp.bearer);
    const waiting = poll(a, rp.bearer, ch.id, 20).then((r) => r);
    await waitFor(async () => waitsUnderWay() === 1, { what: 'the poll to wait', timeoutMs: 5000 });
    assert.equal((await request(b.app).post(`/v1/auth/challenges/${ch.id}/response`).set('Authorization', rp.bearer).send(answer(ch))).status, 200);
    const r = await waiting;
    assert.equal(r.body.status, 'completed');
  });

  it('a cancellation ends the wait with failed challenge_cancelled', async () => {
    const t = await buildApp({ ca: ca.ca, db: reg.db, store: new MemoryStore(), clock: systemClock });
    const rp = await addRp(reg.db);
    const ch = await newChallenge(t, rp.bearer);
    const waiting = poll(t, rp.bearer, ch.id, 20).then((r) => r);
    await waitFor(async () => waitsUnderWay() === 1, { what: 'the poll to wait', timeoutMs: 5000 });
    assert.equal((await request(t.app).delete(`/v1/auth/challenges/${ch.id}`).set('Authorization', rp.bearer)).status, 204);
    assert.deepEqual((await waiting).body, { status: 'failed', code: 'challenge_cancelled' });
  });

  it('the wait ends at the challenge\'s expiry with expired', async () => {
    const clock = new FixedClock(new Date());
    const t = await buildApp({ ca: ca.ca, db: reg.db, store: new MemoryStore(clock), clock });
    const rp = await addRp(reg.db);
    const ch = await newChallenge(t, rp.bearer, { terminalId: 'atm-1', ttlSeconds: 10 });
    clock.advance(9_700); // 0.3 s left
    const waiting = poll(t, rp.bearer, ch.id, 20).then((r) => r);
    await waitFor(async () => waitsUnderWay() === 1, { what: 'the poll to wait', timeoutMs: 5000 });
    clock.advance(1_000);
    assert.deepEqual((await waiting).body, { status: 'expired' });
  });

  it('a client that disconnects ends its wait', async () => {
    const t = await buildApp({ ca: ca.ca, db: reg.db, store: new MemoryStore(), clock: systemClock });
    const rp = await addRp(reg.db);
    const ch = await newChallenge(t, rp.bearer);
    const server: Server = t.app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    try {
      const port = (server.address() as { port: number }).port;
      const req = httpRequest({ host: '127.0.0.1', port, path: `/v1/auth/challenges/${ch.id}?wait=25`, headers: { authorization: rp.bearer } });
      req.on('error', () => undefined);
      req.end();
      await waitFor(async () => waitsUnderWay() === 1, { what: 'the poll to wait', timeoutMs: 5000 });
      req.destroy();
      await waitFor(async () => waitsUnderWay() === 0, { what: 'the wait to end with its client', timeoutMs: 5000 });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('bounded: beyond the most waits a process holds, the state is answered at once', async () => {
    const t = await buildApp({ ca: ca.ca, db: reg.db, store: new MemoryStore(), clock: systemClock });
    const rp = await addRp(reg.db);
    const ch = await newChallenge(t, rp.bearer);
    const stop = new AbortController();
    const first = waitForChallengeState(t.deps, rp.rp.id, ch.id as ChallengeId, undefined, { waitSeconds: 20, signal: stop.signal, maxWaiters: 1 });
    await waitFor(async () => waitsUnderWay() === 1, { what: 'the first wait', timeoutMs: 5000 });
    const started = performance.now();
    const second = await waitForChallengeState(t.deps, rp.rp.id, ch.id as ChallengeId, undefined, { waitSeconds: 20, maxWaiters: 1 });
    assert.equal(second.status, 'pending');
    assert.ok(performance.now() - started < 5000, 'answered without waiting its 20 s');
    stop.abort();
    assert.equal((await first).status, 'pending');
    assert.equal(waitsUnderWay(), 0);
  });

  it('wait beyond 25 s or not a number is 400 invalid_request; OpenAPI documents the query', async () => {
    const t = await buildApp({ ca: ca.ca, db: reg.db, store: new MemoryStore(), clock: systemClock });
    const rp = await addRp(reg.db);
    const ch = await newChallenge(t, rp.bearer);
    for (const bad of ['26', 'soon', '-1', '1.5']) {
      const r = await poll(t, rp.bearer, ch.id, bad);
      assert.deepEqual([r.status, r.body.code], [400, 'invalid_request'], bad);
    }
    const doc = (await request(t.app).get('/openapi.json')).body;
    const wait = doc.paths['/v1/auth/challenges/{id}'].get.parameters.find((p: { name: string }) => p.name === 'wait');
    assert.equal(wait.in, 'query');
    assert.equal(wait.required, false);
    assert.equal(wait.schema.maximum, 25);
    assert.equal(wait.schema.minimum, 0);
  });
});
