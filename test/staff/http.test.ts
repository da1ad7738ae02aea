// Staff HTTP routes through the express app (supertest, no fixed port), on
// PGlite: sign-in, session bearer, uniform login failure, admin-only
// management, disable ends sessions, four-eyes over HTTP, problem+json codes.
import assert from 'node:assert/strict';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { httpCodes } from '../../src/http/codes.js';
import { staffRoutes } from '../../src/http/routes/staff.js';
import { clientAddressOf, parseTrustedProxies } from '../../src/http/client-address.js';
import { registryCodes } from '../../src/registry/codes.js';
import { addStaff, staffCodes, staffDeps } from '../../src/staff/index.js';
import { MemoryStore } from '../../src/store/memory.js';
import { FixedClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/log.js';
import { resetRegistry, useDatabase } from '../registry/support/backends.js';

const PW = 'a long enough password';

describe('staff HTTP routes', function () {
  this.timeout(60_000);
  const h = useDatabase('pglite');
  let app: ReturnType<typeof createApp>;

  beforeEach(async () => {
    await resetRegistry(h.db);
    const clock = new FixedClock(new Date('2026-03-01T08:00:00Z'));
    const deps = staffDeps({ sql: h.db, store: new MemoryStore(clock), clock });
    await addStaff(deps, undefined, { username: 'root', displayName: 'Root', role: 'admin', password: PW });
    app = createApp({ routes: staffRoutes({ staff: deps }), logger: silentLogger, errorCodes: { ...httpCodes, ...registryCodes, ...staffCodes } });
  });

  const signIn = async (username: string, password = PW) => {
    const r = await request(app).post('/v1/staff/login').send({ username, password });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.token as string;
  };

  it('signs in, answers /me with the bearer token, signs out', async () => {
    const token = await signIn('root');
    const me = await request(app).get('/v1/staff/me').set('Authorization', `Bearer ${token}`);
    assert.deepEqual([me.status, me.body.username, me.body.role], [200, 'root', 'admin']);
    assert.equal((await request(app).post('/v1/staff/logout').set('Authorization', `Bearer ${token}`)).status, 204);
    const after = await request(app).get('/v1/staff/me').set('Authorization', `Bearer ${token}`);
    assert.deepEqual([after.status, after.body.code], [401, 'staff_session_invalid']);
    const none = await request(app).get('/v1/staff/me');
    assert.deepEqual([none.status, none.body.code], [401, 'staff_session_required']);
    assert.match(String(none.headers['content-type']), /application\/problem\+json/);
  });

  it('answers unknown user and wrong password alike, without echoing the password', async () => {
    const a = await request(app).post('/v1/staff/login').send({ username: 'ghost', password: PW });
    const b = await request(app).post('/v1/staff/login').send({ username: 'root', password: 'wrong but long' });
    assert.deepEqual([a.status, a.body.code, a.body.detail], [b.status, b.body.code, b.body.detail]);
    assert.equal(a.body.code, 'staff_login_failed');
    assert.ok(!JSON.stringify(a.body).includes(PW) && !JSON.stringify(b.body).includes('wrong but long'));
  });

  it('admin manages accounts; disabling ends the sessions; approvals need a second supervisor', async () => {
    const admin = await signIn('root');
    const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
    for (const [username, role] of [['super1', 'supervisor'], ['super2', 'supervisor'], ['officer1', 'officer']]) {
      const r = await request(app).post('/v1/staff/accounts').set(auth(admin)).send({ username, displayName: username, role, password: PW });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const officer = await signIn('officer1');
    const forbidden = await request(app).post('/v1/staff/accounts').set(auth(officer)).send({ username: 'x123', displayName: 'x', role: 'admin', password: PW });
    assert.deepEqual([forbidden.status, forbidden.body.code], [403, 'staff_forbidden']);

    const req = await request(app).post('/v1/staff/approvals').set(auth(officer)).send({ action: 'pin-reset', subject: 'card:1001' });
    assert.equal(req.status, 201);
    const s1 = await signIn('super1');
    const self = await request(app).post('/v1/staff/approvals').set(auth(s1)).send({ action: 'revoke-key-compromise', subject: 'card:9' });
    const selfApprove = await request(app).post(`/v1/staff/approvals/${self.body.id}/approve`).set(auth(s1));
    assert.deepEqual([selfApprove.status, selfApprove.body.code], [403, 'approval_self']);
    const ok = await request(app).post(`/v1/staff/approvals/${req.body.id}/approve`).set(auth(s1));
    assert.deepEqual([ok.status, ok.body.state], [200, 'approved']);
    const again = await request(app).post(`/v1/staff/approvals/${req.body.id}/reject`).set(auth(s1));
    assert.deepEqual([again.status, again.body.code], [409, 'approval_decided']);
    const list = await request(app).get('/v1/staff/approvals?state=pending').set(auth(officer));
    assert.deepEqual(list.body.approvals.map((a: { id: string }) => a.id), [self.body.id]);

    const accounts = await request(app).get('/v1/staff/accounts').set(auth(admin));
    const officerId = accounts.body.staff.find((s: { username: string }) => s.username === 'officer1').id as string;
    const dis = await request(app).patch(`/v1/staff/accounts/${officerId}`).set(auth(admin)).send({ disabled: true });
    assert.deepEqual([dis.status, dis.body.disabled], [200, true]);
    const gone = await request(app).get('/v1/staff/me').set(auth(officer));
    assert.deepEqual([gone.status, gone.body.code], [401, 'staff_session_invalid']);
    const bad = await request(app).patch('/v1/staff/accounts/not-a-uuid').set(auth(admin)).send({ disabled: true });
    assert.equal(bad.status, 400);
  });

  it('a limited sign-in says how long to wait (Retry-After); an admin lifts an account lock over HTTP, nobody else', async () => {
    const admin = await signIn('root');
    const added = await request(app).post('/v1/staff/accounts').set('Authorization', `Bearer ${admin}`).send({ username: 'officer9', displayName: 'O', role: 'officer', password: PW });
    for (let i = 0; i < 5; i++) assert.equal((await request(app).post('/v1/staff/login').send({ username: 'officer9', password: `wrong ${i} password` })).status, 401);
    const limited = await request(app).post('/v1/staff/login').send({ username: 'officer9', password: PW });
    assert.deepEqual([limited.status, limited.body.code, limited.headers['retry-after']], [429, 'staff_login_limited', '1']);
    const forbidden = await request(app).post(`/v1/staff/accounts/${added.body.id}/unlock`).set('Authorization', `Bearer ${await signInOther()}`);
    assert.deepEqual([forbidden.status, forbidden.body.code], [403, 'staff_forbidden']);
    const lifted = await request(app).post(`/v1/staff/accounts/${added.body.id}/unlock`).set('Authorization', `Bearer ${admin}`);
    assert.deepEqual([lifted.status, lifted.body], [200, { username: 'officer9', failures: 5, wasLocked: false }]);
    assert.equal((await request(app).post('/v1/staff/login').send({ username: 'officer9', password: PW })).status, 200);

    async function signInOther(): Promise<string> {
      await request(app).post('/v1/staff/accounts').set('Authorization', `Bearer ${admin}`).send({ username: 'super7', displayName: 'S', role: 'supervisor', password: PW });
      return signIn('super7');
    }
  });

  it('behind a trusted proxy each client is throttled by its own address (X-Forwarded-For), not by the proxy\'s', async () => {
    const clock = new FixedClock(new Date('2026-03-01T08:00:00Z'));
    const deps = staffDeps({ sql: h.db, store: new MemoryStore(clock), clock });
    const behindProxy = createApp({
      routes: staffRoutes({ staff: deps, clientAddress: clientAddressOf(parseTrustedProxies('127.0.0.1 ::1')) }),
      logger: silentLogger,
      errorCodes: { ...httpCodes, ...registryCodes, ...staffCodes },
    });
    const from = (client: string, username: string, password: string) =>
      request(behindProxy).post('/v1/staff/login').set('X-Forwarded-For', `${client}, 127.0.0.1`).send({ username, password });
    for (let i = 0; i < 20; i++) assert.equal((await from('198.51.100.7', `guess${i}`, 'nope nope nope')).status, 401);
    assert.equal((await from('198.51.100.7', 'root', PW)).status, 429, 'the spraying client waits');
    assert.equal((await from('198.51.100.8', 'root', PW)).status, 200, 'another client behind the same proxy signs in');
  });
});
