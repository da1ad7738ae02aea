// Redis down under the staff and issuance API: every route that needs the
// ephemeral store (sign-in counters, sessions) answers 503 `unavailable` as
// problem+json — never 500 internal_error — as the authentication routes do,
// and works again once Redis is back. The whole service as `cardauth serve`
// builds it (PostgreSQL, a real Redis stopped and started by its pid).
import assert from 'node:assert/strict';
import request from 'supertest';
import { startFaultRedis, type FaultService } from '../support/fault-services.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { startInProcessService, STAFF_PASSWORD, type InProcessService } from '../support/service-app.js';

describe('faults: Redis down under the staff and issuance routes', function () {
  this.timeout(120_000);
  let pg: TestPostgres;
  let redis: FaultService;
  let s: InProcessService;
  let tokens: Record<'officer' | 'supervisor' | 'admin', string>;

  before(async () => {
    [pg, redis] = await Promise.all([startPostgres(), startFaultRedis()]);
    s = await startInProcessService({ databaseUrl: pg.url, redisUrl: redis.url });
    tokens = { admin: await s.signIn('admin'), officer: await s.signIn('officer'), supervisor: await s.signIn('supervisor') };
  });
  after(async () => {
    await s?.close();
    await redis?.stop();
    await pg?.stop();
  });

  it('answers 503 unavailable on every store-backed staff and issuance route, then serves again', async () => {
    const app = s.service.app;
    const bearer = (who: keyof typeof tokens) => ({ Authorization: `Bearer ${tokens[who]}` });
    const calls: Array<[string, () => request.Test]> = [
      ['staff login', () => request(app).post('/v1/staff/login').send({ username: 'officer2', password: STAFF_PASSWORD })],
      ['staff me', () => request(app).get('/v1/staff/me').set(bearer('officer'))],
      ['staff logout', () => request(app).post('/v1/staff/logout').set(bearer('officer'))],
      ['staff accounts', () => request(app).get('/v1/staff/accounts').set(bearer('admin'))],
      ['approvals list', () => request(app).get('/v1/staff/approvals').set(bearer('officer'))],
      ['approval request', () => request(app).post('/v1/staff/approvals').set(bearer('officer')).send({ action: 'pin-reset', subject: 'card:1' })],
      ['citizen search', () => request(app).get('/v1/issuance/citizens?surname=Sok').set(bearer('officer'))],
      ['citizen read', () => request(app).get('/v1/issuance/citizens/012345678').set(bearer('officer'))],
      ['card read', () => request(app).get('/v1/issuance/cards/62000001').set(bearer('supervisor'))],
      ['jobs', () => request(app).get('/v1/issuance/jobs').set(bearer('officer'))],
      ['suspend', () => request(app).post('/v1/issuance/cards/62000001/suspend').set(bearer('supervisor')).send({ note: 'lost' })],
    ];
    await redis.kill();
    for (const [name, call] of calls) {
      const r = await call();
      assert.equal(r.status, 503, `${name}: ${r.status} ${JSON.stringify(r.body)}`);
      assert.equal(r.body.code, 'unavailable', name);
      assert.match(String(r.headers['content-type']), /application\/problem\+json/, name);
    }
    await redis.restart();
    // Without persistence the sessions died with Redis; signing in works again.
    let signedIn: request.Response | undefined;
    for (let i = 0; i < 50 && signedIn?.status !== 200; i++) {
      signedIn = await request(app).post('/v1/staff/login').send({ username: 'officer2', password: STAFF_PASSWORD });
      if (signedIn.status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(signedIn?.status, 200, JSON.stringify(signedIn?.body));
    const me = await request(app).get('/v1/staff/me').set('Authorization', `Bearer ${signedIn!.body.token}`);
    assert.equal(me.body.username, 'officer2');
  });
});
