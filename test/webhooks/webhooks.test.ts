// Webhooks to relying parties through the real composition (buildService on
// PostgreSQL, its dispatcher running) and a receiver on loopback that checks
// signatures with its own HMAC code: completed and failed authentications,
// card status changes named by the RP's pairwise subject (written in the
// status change's transaction), retries with back-off while the receiver is
// down, failed after the schedule and redelivered by the RP, deliveries
// listed per RP only, two dispatchers never sending one claim twice, an
// event that could not be written answered 503 and written by the resend,
// the admin API and the URL rules, the secret sealed in the registry.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { buildService, type Service } from '../../src/composition/service.js';
import { loadConfig } from '../../src/config.js';
import { resumeCard, revokeCard, suspendCard } from '../../src/issuance/lifecycle/change-status.js';
import { sqlIssuanceRegistry } from '../../src/issuance/store/sql-registry.js';
import type { CardSerial } from '../../src/issuance/types.js';
import { loadPeppers, pepperPath, type Peppers } from '../../src/rp/pepper.js';
import { registerRp } from '../../src/rp/repo/register-rp.js';
import { addStaff, staffDeps } from '../../src/staff/index.js';
import { MemoryStore } from '../../src/store/memory.js';
import { systemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/log.js';
import { startWebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { addWebhook, checkWebhookUrl } from '../../src/webhooks/repo/add-webhook.js';
import { enqueueRpEvent } from '../../src/webhooks/repo/enqueue-event.js';
import { isWebhookError } from '../../src/webhooks/codes.js';
import { cardSignInput, issueCard, registerCard, type TestCard } from '../auth/support/fixture.js';
import { waitFor } from '../support/pcsc.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { signatureValid, startReceiver, type TestReceiver } from './support.js';

const PW = 'a long enough admin password';
const supervisor = { staffId: 'sup-1', role: 'supervisor' } as const;
const approvals = { consume: async () => ({ approvedBy: 'sup-2' }) };

describe('webhooks: outbox, dispatcher, deliveries (PostgreSQL, real composition)', function () {
  this.timeout(120_000);
  let pg: TestPostgres;
  let dir: string;
  let s: Service;
  let peppers: Peppers;
  let receiver: TestReceiver;

  before(async () => {
    pg = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'cardauth-webhooks-'));
    const env = { CARDAUTH_DATA_DIR: dir, DATABASE_URL: pg.url, CARDAUTH_KEY_PASSPHRASE: 'webhook test passphrase, long enough', CARDAUTH_WEBHOOK_RETRY_SECONDS: '1,1' };
    s = await buildService({ config: loadConfig(env), env, logger: silentLogger, initCaIfMissing: true });
    peppers = loadPeppers(pepperPath(dir));
    await addStaff(staffDeps({ sql: s.db, store: new MemoryStore(), clock: systemClock }), undefined, { username: 'root', displayName: 'Root', role: 'admin', password: PW });
  });
  after(async () => {
    await s?.close();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => receiver.close());

  async function bank(events?: string[]) {
    const { rp, credential } = await registerRp(s.db, { name: `Bank ${Math.random()}`, scopes: ['auth'], terminals: ['atm-1'], rateLimitPerMinute: 100_000 }, peppers.apiSecret, 'staff:test', new Date());
    const { webhook, secret } = await addWebhook(s.db, { rpId: rp.id, url: receiver.url, ...(events ? { events } : {}) }, peppers.webhookSeal, 'staff:test', new Date());
    return { rp, bearer: `Bearer ${credential.token}`, webhook, secret };
  }
  async function citizenCard(): Promise<TestCard> {
    const card = await issueCard(s.ca);
    await registerCard(s.db, card);
    return card;
  }
  async function authenticate(bearer: string, card: TestCard, forge = false) {
    const ch = (await request(s.app).post('/v1/auth/challenges').set('Authorization', bearer).send({ terminalId: 'atm-1' })).body;
    const sig = cardSignInput(card, forge ? '00'.repeat(32) : ch.signingInput.input);
    const body = { terminalId: 'atm-1', certificate: card.der.toString('base64'), signature: sig.toString('base64') };
    const r = await request(s.app).post(`/v1/auth/challenges/${ch.id}/response`).set('Authorization', bearer).send(body);
    return { ch, r, body };
  }
  const arrived = (n: number, what: string) => waitFor(() => receiver.received.length >= n || undefined, { what, timeoutMs: 15_000 });

  it('a completed authentication is pushed once, signed, with the result; redelivered on request with the same webhook-id', async () => {
    const b = await bank();
    const card = await citizenCard();
    const { ch, r } = await authenticate(b.bearer, card);
    assert.equal(r.status, 200);
    await arrived(1, 'the completed event');
    const got = receiver.received[0]!;
    assert.ok(signatureValid(b.secret, got), 'signature checks out with the secret shown once');
    assert.match(got.id, /^msg_[0-9a-f]{32}$/);
    assert.ok(Math.abs(got.timestamp - Date.now() / 1000) < 30);
    assert.equal(got.json.type, 'auth.challenge.completed');
    assert.deepEqual(got.json.data, { challengeId: ch.id, terminalId: 'atm-1', result: r.body.result });
    const list = await request(s.app).get('/v1/rp/webhooks/deliveries').set('Authorization', b.bearer);
    assert.equal(list.status, 200);
    assert.equal(list.body.deliveries.length, 1);
    assert.deepEqual([list.body.deliveries[0].id, list.body.deliveries[0].status, list.body.deliveries[0].attempts], [got.id, 'delivered', 1]);
    const again = await request(s.app).post(`/v1/rp/webhooks/deliveries/${got.id}/redeliver`).set('Authorization', b.bearer);
    assert.equal(again.status, 202);
    await arrived(2, 'the redelivery');
    assert.equal(receiver.received[1]!.id, got.id, 'the same message id');
    assert.equal(receiver.received[1]!.body, got.body, 'the same body');
    assert.ok(signatureValid(b.secret, receiver.received[1]!));
    // Another RP sees nothing of it and cannot redeliver it.
    const other = await bank();
    assert.deepEqual((await request(s.app).get('/v1/rp/webhooks/deliveries').set('Authorization', other.bearer)).body.deliveries, []);
    const theirs = await request(s.app).post(`/v1/rp/webhooks/deliveries/${got.id}/redeliver`).set('Authorization', other.bearer);
    assert.deepEqual([theirs.status, theirs.body.code], [404, 'webhook_delivery_not_found']);
  });

  it('a refused response is pushed as auth.challenge.failed with its public code', async () => {
    const b = await bank();
    const card = await citizenCard();
    const { ch, r } = await authenticate(b.bearer, card, true);
    assert.equal(r.body.code, 'authentication_failed');
    await arrived(1, 'the failed event');
    assert.equal(receiver.received[0]!.json.type, 'auth.challenge.failed');
    assert.deepEqual(receiver.received[0]!.json.data, { challengeId: ch.id, terminalId: 'atm-1', code: 'authentication_failed' });
  });

  it('card suspended, resumed, revoked: pushed to the RP the card authenticated with, named by its pairwise subject; another RP hears nothing', async () => {
    const b = await bank(['card.suspended', 'card.resumed', 'card.revoked']);
    const stranger = await bank(['card.suspended', 'card.resumed', 'card.revoked']);
    const card = await citizenCard();
    const { r } = await authenticate(b.bearer, card);
    const sub = r.body.claims.sub as string;
    const deps = { registry: sqlIssuanceRegistry(s.db), clock: systemClock, approvals };
    await suspendCard(deps, card.cardSerial as CardSerial, supervisor);
    await resumeCard(deps, card.cardSerial as CardSerial, supervisor);
    // A change refused (not on hold) writes no event: it is in the refused transaction.
    await assert.rejects(resumeCard(deps, card.cardSerial as CardSerial, supervisor));
    await revokeCard(deps, card.cardSerial as CardSerial, 'affiliationChanged', supervisor);
    await arrived(3, 'three card events');
    await new Promise((res) => setTimeout(res, 1500));
    const mine = receiver.received.filter((x) => signatureValid(b.secret, x));
    assert.deepEqual(mine.map((x) => x.json.type).sort(), ['card.resumed', 'card.revoked', 'card.suspended']);
    for (const x of mine) {
      assert.equal(x.json.data['subject'], sub);
      assert.equal(x.json.data['cardSerial'], String(card.cardSerial));
    }
    assert.equal(mine.find((x) => x.json.type === 'card.revoked')!.json.data['reason'], 'affiliationChanged');
    assert.equal(receiver.received.filter((x) => signatureValid(stranger.secret, x)).length, 0);
    assert.equal(receiver.received.length, 3, 'nothing else (the RP did not subscribe to authentication events)');
  });

  it('a receiver that is down: retried with back-off, delivered once it answers; after the schedule the delivery fails and a redelivery sends it', async () => {
    const b = await bank();
    receiver.answer = 503;
    const { r } = await authenticate(b.bearer, await citizenCard());
    assert.equal(r.status, 200);
    await arrived(2, 'a retry after a 503');
    receiver.answer = 204;
    await arrived(3, 'the third attempt');
    const d1 = (await request(s.app).get('/v1/rp/webhooks/deliveries').set('Authorization', b.bearer)).body.deliveries[0];
    assert.deepEqual([d1.status, d1.attempts, d1.lastStatus], ['delivered', 3, 204]);
    assert.equal(new Set(receiver.received.map((x) => x.id)).size, 1, 'every attempt is the same message');

    receiver.answer = 0; // connections dropped without an answer
    const before = receiver.received.length;
    await authenticate(b.bearer, await citizenCard());
    await waitFor(async () => {
      const ds = (await request(s.app).get('/v1/rp/webhooks/deliveries?status=failed').set('Authorization', b.bearer)).body.deliveries;
      return ds.length === 1 ? ds : undefined;
    }, { what: 'the delivery to fail after its schedule', timeoutMs: 15_000 });
    assert.equal(receiver.received.length - before, 3, 'the first attempt and one per pause of the schedule (1 s, 1 s)');
    const failed = (await request(s.app).get('/v1/rp/webhooks/deliveries?status=failed').set('Authorization', b.bearer)).body.deliveries[0];
    assert.equal(failed.lastStatus, null);
    assert.ok(failed.lastError);
    receiver.answer = 204;
    assert.equal((await request(s.app).post(`/v1/rp/webhooks/deliveries/${failed.id}/redeliver`).set('Authorization', b.bearer)).status, 202);
    await waitFor(async () => {
      const ds = (await request(s.app).get(`/v1/rp/webhooks/deliveries?status=delivered`).set('Authorization', b.bearer)).body.deliveries;
      return ds.some((d: { id: string }) => d.id === failed.id) || undefined;
    }, { what: 'the redelivery', timeoutMs: 15_000 });
  });

  it('two dispatchers on one outbox send each of 40 deliveries exactly once (FOR UPDATE SKIP LOCKED and leases)', async () => {
    const b = await bank(['auth.challenge.failed']);
    // Written straight into the outbox at a time this service's dispatcher will not reach for an hour.
    const later = new Date(Date.now() + 3_600_000);
    for (let i = 0; i < 40; i++) await enqueueRpEvent(s.db, { rpId: b.rp.id, type: 'auth.challenge.failed', key: `ch_bulk_${i}`, data: { i }, at: later });
    const clock = { now: () => new Date(Date.now() + 3_700_000) };
    const mk = () => startWebhookDispatcher({ sql: s.db, sealKey: peppers.webhookSeal, clock, log: silentLogger, batch: 3, intervalMs: 60_000 });
    const [d1, d2] = [mk(), mk()];
    try {
      await Promise.all([d1.runOnce(), d2.runOnce(), d1.runOnce(), d2.runOnce()]);
      await waitFor(() => receiver.received.length >= 40 || undefined, { what: '40 deliveries', timeoutMs: 30_000 });
      await Promise.all([d1.runOnce(), d2.runOnce()]);
    } finally {
      await d1.stop();
      await d2.stop();
    }
    const ids = receiver.received.map((x) => x.id);
    assert.equal(ids.length, 40);
    assert.equal(new Set(ids).size, 40, 'no delivery sent twice');
    assert.deepEqual(new Set(receiver.received.map((x) => (x.json.data as { i: number }).i)).size, 40);
  });

  it('an event that cannot be written is answered 503 (the outcome stored); the resend writes it and it is delivered', async () => {
    const b = await bank();
    const card = await citizenCard();
    // The outbox refuses writes for a moment, as a registry in trouble would.
    await s.db.query(`CREATE OR REPLACE FUNCTION refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'outbox unavailable'; END $$`);
    await s.db.query('CREATE TRIGGER refuse_outbox BEFORE INSERT ON webhook_outbox FOR EACH ROW EXECUTE FUNCTION refuse_outbox()');
    let res;
    try {
      res = await authenticate(b.bearer, card);
      assert.deepEqual([res.r.status, res.r.body.code], [503, 'unavailable']);
      assert.equal((await request(s.app).get(`/v1/auth/challenges/${res.ch.id}`).set('Authorization', b.bearer)).body.status, 'completed', 'the outcome is stored');
    } finally {
      await s.db.query('DROP TRIGGER refuse_outbox ON webhook_outbox');
    }
    const resend = await request(s.app).post(`/v1/auth/challenges/${res.ch.id}/response`).set('Authorization', b.bearer).send(res.body);
    assert.equal(resend.body.code, 'challenge_used');
    await arrived(1, 'the event written by the resend');
    assert.equal(receiver.received[0]!.json.type, 'auth.challenge.completed');
    assert.equal(receiver.received[0]!.json.data['challengeId'], res.ch.id);
    const again = await request(s.app).post(`/v1/auth/challenges/${res.ch.id}/response`).set('Authorization', b.bearer).send(res.body);
    assert.equal(again.body.code, 'challenge_used');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(receiver.received.length, 1, 'written once however often it is resent');
  });

  it('an RP without webhooks writes nothing to the outbox', async () => {
    const { rp, credential } = await registerRp(s.db, { name: 'Quiet Bank', scopes: ['auth'], terminals: ['atm-1'] }, peppers.apiSecret, 'staff:test', new Date());
    const { r } = await authenticate(`Bearer ${credential.token}`, await citizenCard());
    assert.equal(r.status, 200);
    assert.deepEqual(await s.db.query('SELECT id FROM webhook_outbox WHERE rp_id = $1', [rp.id]), []);
    assert.deepEqual(await s.db.query('SELECT card_serial FROM rp_card_links WHERE rp_id = $1', [rp.id]), []);
  });

  it('admin API: an admin registers an endpoint and gets its secret once; others are refused; the secret is sealed in the registry', async () => {
    const login = await request(s.app).post('/v1/staff/login').send({ username: 'root', password: PW });
    const token = login.body.token as string;
    const { rp, credential } = await registerRp(s.db, { name: 'Admin Bank', scopes: ['auth'], terminals: ['atm-1'] }, peppers.apiSecret, 'staff:test', new Date());
    const none = await request(s.app).post(`/v1/staff/relying-parties/${rp.id}/webhooks`).send({ url: receiver.url });
    assert.equal(none.status, 401);
    const bad = await request(s.app).post(`/v1/staff/relying-parties/${rp.id}/webhooks`).set('Authorization', `Bearer ${token}`).send({ url: 'ftp://bank.example/hook' });
    assert.deepEqual([bad.status, bad.body.code], [400, 'webhook_invalid']);
    const r = await request(s.app).post(`/v1/staff/relying-parties/${rp.id}/webhooks`).set('Authorization', `Bearer ${token}`).send({ url: receiver.url, events: ['auth.challenge.completed'] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.match(r.body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await request(s.app).get(`/v1/staff/relying-parties/${rp.id}/webhooks`).set('Authorization', `Bearer ${token}`);
    assert.equal(listed.body.webhooks.length, 1);
    assert.equal(listed.body.webhooks[0].secret, undefined);
    const mine = await request(s.app).get('/v1/rp/webhooks').set('Authorization', `Bearer ${credential.token}`);
    assert.deepEqual(mine.body.webhooks.map((w: { url: string }) => w.url), [receiver.url]);
    const dump = JSON.stringify(await s.db.query('SELECT * FROM rp_webhooks')) + JSON.stringify(await s.db.query('SELECT * FROM audit_log'));
    const keyB64 = (r.body.secret as string).slice('whsec_'.length);
    assert.ok(!dump.includes(keyB64) && !dump.includes(Buffer.from(keyB64, 'base64').toString('hex')), 'the secret is nowhere in the registry in the clear');
    const { r: auth } = await authenticate(`Bearer ${credential.token}`, await citizenCard());
    assert.equal(auth.status, 200);
    await arrived(1, 'the event to the endpoint added over the API');
    assert.ok(signatureValid(r.body.secret, receiver.received[0]!));
    const del = await request(s.app).delete(`/v1/staff/relying-parties/${rp.id}/webhooks/${r.body.id}`).set('Authorization', `Bearer ${token}`);
    assert.equal(del.status, 204);
    assert.deepEqual((await request(s.app).get('/v1/rp/webhooks').set('Authorization', `Bearer ${credential.token}`)).body.webhooks, []);
  });

  it('endpoint URLs: http and https (loopback too); no other scheme, no user info, no fragment', () => {
    assert.equal(checkWebhookUrl('http://127.0.0.1:9000/hook'), 'http://127.0.0.1:9000/hook');
    assert.equal(checkWebhookUrl('https://bank.example/cardauth?x=1'), 'https://bank.example/cardauth?x=1');
    for (const bad of ['ftp://bank.example/', 'file:///etc/passwd', 'javascript:alert(1)', 'https://u:p@bank.example/', 'https://bank.example/#frag', 'not a url', `https://bank.example/${'a'.repeat(2050)}`]) {
      assert.throws(() => checkWebhookUrl(bad), (e) => isWebhookError(e, 'webhook_invalid'), bad);
    }
  });
});
