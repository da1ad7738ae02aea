// /v1/issuance/… through the express app (supertest): schemas, problem+json
// codes, role checks, and the lifecycle reaching the registry.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import request from 'supertest';
import { AppError } from '../../src/errors/app-error.js';
import { createApp } from '../../src/http/app.js';
import type { AnyRoute } from '../../src/http/route.js';
import { documentationRoutes } from '../../src/http/routes/documentation.js';
import { httpCodes } from '../../src/http/codes.js';
import { issuanceRoutes } from '../../src/http/routes/issuance.js';
import { issuanceCodes } from '../../src/issuance/codes.js';
import { createIssuanceEngine } from '../../src/issuance/engine/run-job.js';
import type { Actor } from '../../src/issuance/ports/registry.js';
import { MemoryIssuanceRegistry } from '../../src/issuance/store/memory-registry.js';
import { silentLogger } from '../../src/util/log.js';
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

// Stand-in for the staff module's session auth: the token names the actor.
const staff: Record<string, Actor> = { 'tok-officer': officer, 'tok-supervisor': supervisor, 'tok-auditor': { staffId: 'aud-1', role: 'auditor' } };
const auth = {
  scheme: 'staffSession' as const,
  async authenticate(req: IncomingMessage): Promise<Actor> {
    const a = staff[(req.headers.authorization ?? '').replace(/^Bearer /, '')];
    if (a === undefined) throw new AppError('unauthenticated', 'Staff session required', 401);
    return a;
  },
};

describe('HTTP /v1/issuance', function () {
  this.timeout(60_000);
  let f: IssuanceFixture;
  let registry: MemoryIssuanceRegistry;
  let app: ReturnType<typeof createApp>;
  let serial: number;

  before(async () => {
    registry = new MemoryIssuanceRegistry();
    f = await makeFixture({ registry });
    const errorCodes = { ...httpCodes, ...issuanceCodes, unauthenticated: { status: 401, title: 'Unauthenticated' } };
    const routes: AnyRoute[] = issuanceRoutes({ registry, clock: f.deps.clock, country: 'LU', approvals: new TestApprovals(), auth });
    routes.push(...documentationRoutes({ routes: () => routes, errorCodes }));
    app = createApp({ routes, logger: silentLogger, errorCodes });
  });
  after(async () => f.cleanup());

  const as = (who: string) => ({ Authorization: `Bearer tok-${who}` });

  it('enrols a citizen (201) and refuses a duplicate (409 citizen_exists) and bad fields (400 citizen_invalid)', async () => {
    const body = { nationalId: 'HT0000001', surname: 'Kieffer', givenName: 'Marc', birthDate: '1970-05-05' };
    const r = await request(app).post('/v1/issuance/citizens').set(as('officer')).send(body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.nationalId, 'HT0000001');
    const dup = await request(app).post('/v1/issuance/citizens').set(as('officer')).send(body);
    assert.equal(dup.status, 409);
    assert.match(dup.headers['content-type'] ?? '', /application\/problem\+json/);
    assert.equal(dup.body.code, 'citizen_exists');
    const bad = await request(app).post('/v1/issuance/citizens').set(as('officer')).send({ ...body, nationalId: 'HT0000002', birthDate: '1970-02-30' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'citizen_invalid');
    const anon = await request(app).post('/v1/issuance/citizens').send(body);
    assert.equal(anon.status, 401);
    const auditor = await request(app).post('/v1/issuance/citizens').set(as('auditor')).send({ ...body, nationalId: 'HT0000003' });
    assert.equal(auditor.status, 403);
    assert.equal(auditor.body.code, 'issuance_forbidden');
  });

  it('finds citizens and shows the active card after personalisation at a station', async () => {
    const c = await blankCard(f);
    const { channel } = await openCard(c.file);
    registry.addStock(c.serial, await attestationCertOf(channel));
    serial = c.serial;
    await createIssuanceEngine(f.deps).personalise({ channel, nationalId: 'HT0000001', actor: officer, cardholder: localCardholder(channel, scriptedPinPad('250871'), capturingPukDisplay()) });
    const list = await request(app).get('/v1/issuance/citizens?surname=kie').set(as('auditor'));
    assert.equal(list.status, 200);
    assert.equal(list.body.citizens.length, 1);
    const one = await request(app).get('/v1/issuance/citizens/ht0000001').set(as('officer'));
    assert.equal(one.status, 200);
    assert.equal(one.body.activeCard.serial, serial);
    assert.equal(one.body.activeCard.certificates[0].status, 'good');
    const jobs = await request(app).get('/v1/issuance/jobs?status=completed').set(as('supervisor'));
    assert.equal(jobs.body.jobs.length, 1);
    const job = await request(app).get(`/v1/issuance/jobs/${jobs.body.jobs[0].id}`).set(as('supervisor'));
    assert.equal(job.body.completedSteps.at(-1), 'record');
    assert.equal((await request(app).get('/v1/issuance/jobs/not-a-uuid').set(as('supervisor'))).status, 400);
    assert.equal((await request(app).get('/v1/issuance/citizens/NOSUCH00').set(as('officer'))).body.code, 'citizen_not_found');
  });

  it('contributes its routes to /openapi.json', async () => {
    const r = await request(app).get('/openapi.json');
    assert.equal(r.status, 200);
    for (const p of ['/v1/issuance/citizens', '/v1/issuance/jobs/{id}', '/v1/issuance/cards/{serial}/revoke']) assert.ok(r.body.paths[p], p);
    assert.ok(r.body.paths['/v1/issuance/cards/{serial}/revoke'].post.requestBody);
  });

  it('suspend / resume / revoke with role checks and stable codes', async () => {
    const denied = await request(app).post(`/v1/issuance/cards/${serial}/suspend`).set(as('officer')).send({});
    assert.equal(denied.status, 403);
    const s = await request(app).post(`/v1/issuance/cards/${serial}/suspend`).set(as('supervisor')).send({ note: 'lost' });
    assert.equal(s.status, 200);
    assert.equal(s.body.status, 'hold');
    assert.equal(s.body.certificates[0].status, 'hold');
    const again = await request(app).post(`/v1/issuance/cards/${serial}/suspend`).set(as('supervisor')).send({});
    assert.equal(again.body.code, 'card_state_invalid');
    assert.equal((await request(app).post(`/v1/issuance/cards/${serial}/resume`).set(as('supervisor')).send({})).body.status, 'active');
    const kc = await request(app).post(`/v1/issuance/cards/${serial}/revoke`).set(as('supervisor')).send({ reason: 'keyCompromise' });
    assert.equal(kc.status, 403);
    assert.equal(kc.body.code, 'lifecycle_approval_required');
    const badReason = await request(app).post(`/v1/issuance/cards/${serial}/revoke`).set(as('supervisor')).send({ reason: 'certificateHold' });
    assert.equal(badReason.status, 400);
    const r = await request(app).post(`/v1/issuance/cards/${serial}/revoke`).set(as('supervisor')).send({ reason: 'cessationOfOperation' });
    assert.equal(r.status, 200);
    assert.deepEqual([r.body.status, r.body.certificates[0].status, r.body.certificates[0].revocationReason], ['revoked', 'revoked', 'cessationOfOperation']);
    assert.equal((await request(app).get('/v1/issuance/cards/99').set(as('officer'))).body.code, 'card_not_found');
  });
});
