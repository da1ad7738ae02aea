// The terminal gets its work from the service and reports progress
// (src/auth/next-challenge-for-terminal.ts, progress-hints.ts,
// src/http/routes/terminal.ts): a terminal-bound key long-polls
// GET /v1/auth/terminals/{id}/next-challenge and is answered the challenge the
// RP back end made for it, with the RP's registered name; its reports show
// as `hint` in the RP's GET. With the in-process store and with a real
// redis-server shared by two service instances (a challenge made through
// one is picked up, and its progress read, through the other).
import assert from 'node:assert/strict';
import request from 'supertest';
import { authCodes } from '../../src/auth/codes.js';
import { commonCodes } from '../../src/errors/common-codes.js';
import { httpCodes } from '../../src/http/codes.js';
import type { AnyRoute } from '../../src/http/route.js';
import { documentationRoutes } from '../../src/http/routes/documentation.js';
import { rpCodes } from '../../src/rp/codes.js';
import { createApp } from '../../src/http/app.js';
import { authRoutes } from '../../src/http/routes/auth.js';
import { terminalRoutes } from '../../src/http/routes/terminal.js';
import { issueTerminalCredential } from '../../src/rp/repo/issue-terminal-credential.js';
import type { EphemeralStore } from '../../src/store/ephemeral.js';
import { MemoryStore } from '../../src/store/memory.js';
import { openRedisStore, type RedisStore } from '../../src/store/redis.js';
import { systemClock } from '../../src/util/clock.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { addRp, buildApp, makeCa, openRegistry, peppers, type Registry, type TestCa } from './support/fixture.js';

const txn = { amount: '25000.00', currency: 'KHR', payee: 'Commune Hall Fees' };

describe('terminal pick-up (long poll) and progress hints', function () {
  this.timeout(60_000);
  let ca: TestCa;
  let reg: Registry;

  before(async () => {
    [ca, reg] = await Promise.all([makeCa(), openRegistry()]);
  });
  after(async () => {
    await reg?.close();
    await ca?.cleanup();
  });

  /** The RP and terminal routes over `store`, polling the store every 20 ms. */
  async function service(store: EphemeralStore) {
    const t = await buildApp({ ca: ca.ca, db: reg.db, store, clock: systemClock });
    const deps = { auth: t.deps, authenticator: t.authenticator, store, pollMs: 20 };
    const errorCodes = { ...httpCodes, ...commonCodes, ...authCodes, ...rpCodes };
    const routes: AnyRoute[] = [...authRoutes(deps), ...terminalRoutes(deps)];
    routes.push(...documentationRoutes({ routes: () => routes, errorCodes }));
    return createApp({ routes, logger: t.logger, errorCodes });
  }

  let banks = 0;
  async function rpWithTerminalKey() {
    const rp = await addRp(reg.db, { name: `Test Bank ${++banks}`, terminals: ['atm-1', 'atm-2'] });
    const { credential } = await issueTerminalCredential(reg.db, rp.rp.id, 'atm-1', peppers.apiSecret, 'staff:test', new Date());
    return { rp, terminal: `Bearer ${credential.token}` };
  }

  describe('in-process store', () => {
    let app: Awaited<ReturnType<typeof service>>;
    before(async () => {
      app = await service(new MemoryStore());
    });

    const next = (bearer: string, query: string, terminal = 'atm-1') =>
      request(app).get(`/v1/auth/terminals/${terminal}/next-challenge?${query}`).set('Authorization', bearer);
    const create = (bearer: string, terminalId = 'atm-1') =>
      request(app).post('/v1/auth/challenges').set('Authorization', bearer).send({ terminalId, transaction: txn });

    it('only a terminal-bound key, for its own terminal, may wait for work', async () => {
      const { rp, terminal } = await rpWithTerminalKey();
      const wide = await next(rp.bearer, 'wait=0');
      assert.deepEqual([wide.status, wide.body.code], [403, 'terminal_key_required']);
      const other = await next(terminal, 'wait=0', 'atm-2');
      assert.deepEqual([other.status, other.body.code], [403, 'terminal_not_allowed']);
      const bad = await next(terminal, 'wait=31');
      assert.deepEqual([bad.status, bad.body.code], [400, 'invalid_request']);
      assert.equal((await next(terminal, 'wait=0')).status, 204);
    });

    it('a waiting terminal is answered the challenge made for it, with the RP name; not another terminal\'s', async () => {
      const { rp, terminal } = await rpWithTerminalKey();
      const waiting = next(terminal, 'wait=10').then((r) => r);
      await new Promise((r) => setTimeout(r, 100));
      // Made for atm-2 first: atm-1 keeps waiting.
      assert.equal((await create(rp.bearer, 'atm-2')).status, 201);
      const made = await create(rp.bearer);
      assert.equal(made.status, 201);
      const got = await waiting;
      assert.equal(got.status, 200, JSON.stringify(got.body));
      assert.equal(got.body.rpName, rp.rp.name);
      assert.deepEqual(got.body.challenge, made.body);
      // Asked again it is the same (nothing taken away), unless the terminal says it took it.
      assert.equal((await next(terminal, 'wait=0')).body.challenge.id, made.body.id);
      assert.equal((await next(terminal, `wait=0&after=${made.body.id}`)).status, 204);
    });

    it('a newer challenge replaces one not taken; a cancelled one is not offered', async () => {
      const { rp, terminal } = await rpWithTerminalKey();
      const first = (await create(rp.bearer)).body;
      const second = (await create(rp.bearer)).body;
      assert.equal((await next(terminal, 'wait=0')).body.challenge.id, second.id);
      assert.equal((await request(app).delete(`/v1/auth/challenges/${second.id}`).set('Authorization', rp.bearer)).status, 204);
      assert.equal((await next(terminal, 'wait=0')).status, 204, 'the cancelled challenge is not offered, nor the replaced one');
      // The replaced one is still valid by its id.
      assert.equal((await request(app).get(`/v1/auth/challenges/${first.id}`).set('Authorization', rp.bearer)).body.status, 'pending');
    });

    it('the terminal reports progress; the RP reads it as hint (code and words), kept beside a cancellation', async () => {
      const { rp, terminal } = await rpWithTerminalKey();
      const ch = (await create(rp.bearer)).body;
      const path = `/v1/auth/challenges/${ch.id}`;
      const before = await request(app).get(path).set('Authorization', rp.bearer);
      assert.equal(before.body.hint.code, 'waiting_for_terminal');
      const post = (bearer: string, hint: unknown) => request(app).post(`${path}/progress`).set('Authorization', bearer).send({ hint });
      assert.equal((await post(terminal, 'pin_entry')).status, 204);
      const during = await request(app).get(path).set('Authorization', rp.bearer);
      assert.equal(during.body.status, 'pending');
      assert.deepEqual(during.body.hint, {
        code: 'pin_entry',
        text: 'The citizen is reading the request and entering the PIN.',
        textKm: 'ពលរដ្ឋកំពុងអានសំណើ និងបញ្ចូលលេខ PIN។',
      });
      assert.deepEqual([(await post(terminal, 'waiting_for_terminal')).status, (await post(terminal, 'made_up')).body.code], [400, 'invalid_request']);
      assert.deepEqual((await post(rp.bearer, 'pin_entry')).body.code, 'terminal_key_required');
      assert.equal((await post(terminal, 'card_removed')).status, 204);
      // The terminal ends it: the failed state keeps why.
      assert.equal((await request(app).delete(path).set('Authorization', terminal)).status, 204);
      const ended = await request(app).get(path).set('Authorization', rp.bearer);
      assert.deepEqual([ended.body.status, ended.body.code, ended.body.hint.code], ['failed', 'challenge_cancelled', 'card_removed']);
      assert.deepEqual([(await post(terminal, 'signing')).status, (await post(terminal, 'signing')).body.code], [409, 'challenge_used']);
    });

    it('both calls are in the OpenAPI document, with the hint in the challenge state', async () => {
      const doc = (await request(app).get('/openapi.json')).body;
      assert.equal(doc.paths['/v1/auth/terminals/{terminalId}/next-challenge'].get.operationId, 'nextChallengeForTerminal');
      assert.equal(doc.paths['/v1/auth/challenges/{id}/progress'].post.operationId, 'reportChallengeProgress');
      assert.ok(JSON.stringify(doc.paths['/v1/auth/challenges/{id}'].get).includes('waiting_for_terminal'));
    });

    it("another terminal's challenge cannot be reported on", async () => {
      const { rp, terminal } = await rpWithTerminalKey();
      const ch = (await create(rp.bearer, 'atm-2')).body;
      const r = await request(app).post(`/v1/auth/challenges/${ch.id}/progress`).set('Authorization', terminal).send({ hint: 'pin_entry' });
      assert.deepEqual([r.status, r.body.code], [404, 'challenge_not_found']);
      assert.equal((await request(app).get(`/v1/auth/challenges/${ch.id}`).set('Authorization', rp.bearer)).body.hint.code, 'waiting_for_terminal');
    });
  });

  describe('Redis shared by two service instances', () => {
    let redis: TestRedis;
    const stores: RedisStore[] = [];
    before(async () => {
      redis = await startRedis();
    });
    after(async () => {
      for (const s of stores) await s.close();
      await redis?.stop();
    });

    it('a challenge made through one instance is picked up, and its progress read, through the other', async () => {
      const [sa, sb] = [await openRedisStore({ url: redis.url }), await openRedisStore({ url: redis.url })];
      stores.push(sa, sb);
      const [a, b] = [await service(sa), await service(sb)];
      const { rp, terminal } = await rpWithTerminalKey();
      const waiting = request(b).get('/v1/auth/terminals/atm-1/next-challenge?wait=10').set('Authorization', terminal).then((r) => r);
      await new Promise((r) => setTimeout(r, 100));
      const made = await request(a).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1', transaction: txn });
      const got = await waiting;
      assert.equal(got.status, 200);
      assert.equal(got.body.challenge.id, made.body.id);
      assert.equal((await request(b).post(`/v1/auth/challenges/${made.body.id}/progress`).set('Authorization', terminal).send({ hint: 'signing' })).status, 204);
      assert.equal((await request(a).get(`/v1/auth/challenges/${made.body.id}`).set('Authorization', rp.bearer)).body.hint.code, 'signing');
    });
  });
});
