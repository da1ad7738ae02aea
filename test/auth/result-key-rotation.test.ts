// Result-key rotation seen by a relying party (GET /.well-known/jwks.json
// lists the current and the previous result-signing keys):
// the real CA and key store, PostgreSQL, the auth routes and the JWKS route
// over watchResultKeys (src/auth/adapters/result-keys.ts). A result signed
// before `rotateResultKey` still verifies with npm `jose` against the JWKS
// fetched after it; new results carry the new kid; the previous key leaves
// the JWKS when its publication ends (clock frozen); the live set follows a
// rotation by its own timer, and a damaged state file keeps the set in force.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import request from 'supertest';
import { isPkiError, resultKeyStatePath, rotateResultKey } from '../../pki/index.js';
import { watchResultKeys, type LiveResultKeys } from '../../src/auth/adapters/result-keys.js';
import { errorRegistry } from '../../src/composition/error-registry.js';
import { createApp, type HttpApp } from '../../src/http/app.js';
import { jwksRoutes } from '../../src/http/routes/jwks.js';
import { MemoryStore } from '../../src/store/memory.js';
import { FixedClock } from '../../src/util/clock.js';
import { addRp, buildApp, cardSignInput, issueCard, makeCa, openRegistry, registerCard, type Registry, type TestApp, type TestCa, type TestCard } from './support/fixture.js';

const DAY = 86_400_000;

describe('auth: result-signing key rotation through the HTTP API (real CA, PostgreSQL, jose)', function () {
  this.timeout(60_000);
  let ca: TestCa;
  let reg: Registry;
  let card: TestCard;
  let clock: FixedClock;
  let live: LiveResultKeys;
  let t: TestApp;
  let jwksApp: HttpApp;
  let rp: Awaited<ReturnType<typeof addRp>>;
  const errors: unknown[] = [];

  before(async () => {
    [ca, reg] = await Promise.all([makeCa(), openRegistry()]);
    card = await issueCard(ca.ca);
    await registerCard(reg.db, card);
    rp = await addRp(reg.db);
  });
  after(async () => {
    live?.stop();
    await reg?.close();
    await ca?.cleanup();
  });
  beforeEach(async () => {
    clock = new FixedClock(new Date());
    // No timer: the test decides when the set is looked at (refresh), except
    // in the test of the timer itself.
    live = await watchResultKeys({ read: () => ca.ca.resultKeySet(), clock, intervalMs: 0, onError: (e) => errors.push(e) });
    t = await buildApp({ ca: ca.ca, db: reg.db, store: new MemoryStore(clock), clock, keys: live.keys });
    jwksApp = createApp({ routes: jwksRoutes({ keys: live.keys, refresh: live.refresh }), logger: t.logger, errorCodes: errorRegistry });
  });
  afterEach(() => live.stop());

  async function authenticate(): Promise<string> {
    const ch = await request(t.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1' });
    assert.equal(ch.status, 201, JSON.stringify(ch.body));
    const r = await request(t.app)
      .post(`/v1/auth/challenges/${ch.body.id}/response`)
      .set('Authorization', rp.bearer)
      .send({ terminalId: 'atm-1', certificate: card.der.toString('base64'), signature: cardSignInput(card, ch.body.signingInput.input).toString('base64') });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.result as string;
  }
  async function jwks(): Promise<JSONWebKeySet> {
    const r = await request(jwksApp).get('/.well-known/jwks.json');
    assert.equal(r.status, 200);
    assert.match(r.headers['cache-control'] ?? '', /^public, max-age=\d+$/);
    return r.body as JSONWebKeySet;
  }
  const verify = (jws: string, set: JSONWebKeySet, at: Date) =>
    jwtVerify(jws, createLocalJWKSet(set), { audience: rp.rp.id, issuer: 'http://127.0.0.1:8080', algorithms: ['ES256'], currentDate: at });

  it('a result signed before a rotation verifies with the JWKS fetched after it; new results carry the new kid', async () => {
    const issuedAt = clock.now();
    const before = await authenticate();
    const jwksBefore = await jwks();
    const oldKid = decodeProtectedHeader(before).kid;
    assert.deepEqual(jwksBefore.keys.map((k) => k.kid), [oldKid]);

    const rotated = await rotateResultKey({ dataDir: ca.dir, keyStore: ca.keyStore, overlapDays: 2, now: clock.now() });
    assert.equal(live.keys.current.kid, oldKid, 'signing reads no file: the set changes when it is looked at');

    // The JWKS route looks before answering: the new set at once.
    const jwksAfter = await jwks();
    assert.deepEqual(jwksAfter.keys.map((k) => k.kid), [rotated.kid, oldKid]);
    const { protectedHeader } = await verify(before, jwksAfter, issuedAt);
    assert.equal(protectedHeader.kid, oldKid);

    const after = await authenticate();
    assert.equal(decodeProtectedHeader(after).kid, rotated.kid);
    await verify(after, jwksAfter, clock.now());
    // An RP still holding the old JWK Set meets an unknown kid: it must refetch.
    await assert.rejects(verify(after, jwksBefore, clock.now()), { code: 'ERR_JWKS_NO_MATCHING_KEY' });

    // The previous key is published for the overlap only.
    clock.advance(2 * DAY - 1000);
    assert.equal((await jwks()).keys.length, 2);
    clock.advance(1000);
    const expired = await jwks();
    assert.deepEqual(expired.keys.map((k) => k.kid), [rotated.kid]);
    await assert.rejects(verify(before, expired, issuedAt), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
    await verify(after, expired, issuedAt);
  });

  it('follows a rotation by its own timer, with no request looking', async () => {
    live.stop();
    const timed = await watchResultKeys({ read: () => ca.ca.resultKeySet(), clock, intervalMs: 20, onError: (e) => errors.push(e) });
    try {
      const was = timed.keys.current.kid;
      const rotated = await rotateResultKey({ dataDir: ca.dir, keyStore: ca.keyStore, now: clock.now() });
      const deadline = Date.now() + 10_000;
      while (timed.keys.current.kid === was && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.equal(timed.keys.current.kid, rotated.kid);
      // (the key retired by the first test is still in its overlap)
      assert.deepEqual(timed.keys.published.slice(0, 2).map((k) => k.kid), [rotated.kid, was]);
    } finally {
      timed.stop();
    }
  });

  it('a damaged key-set file keeps the set in force and is reported', async () => {
    const kid = live.keys.current.kid;
    const published = live.keys.published;
    errors.length = 0;
    const good = readFileSync(resultKeyStatePath(ca.dir));
    writeFileSync(resultKeyStatePath(ca.dir), '{"version":1,');
    try {
      await live.refresh();
      assert.equal(live.keys.current.kid, kid);
      assert.equal(live.keys.published, published);
      assert.ok(errors.length === 1 && isPkiError(errors[0], 'ca_state_corrupt'), String(errors[0]));
      await live.refresh();
      assert.equal(errors.length, 1, 'the same failure is reported once, not every second');
      const jws = await authenticate();
      assert.equal(decodeProtectedHeader(jws).kid, kid);
      assert.deepEqual((await jwks()).keys.map((k) => k.kid), published.map((k) => k.kid));
    } finally {
      writeFileSync(resultKeyStatePath(ca.dir), good);
    }
  });
});
