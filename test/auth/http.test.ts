// Card + PIN authentication through the HTTP API with real peers: the national
// CA (pki), PostgreSQL (registry + relying parties), the in-process store;
// results verified with npm `jose` from /.well-known/jwks.json. One test per
// security property of the RP API (src/auth/README.md; Redis variants in redis.test.ts).
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import request from 'supertest';
import { authFailureReasons } from '../../src/auth/codes.js';
import { progressHint } from '../../src/auth/progress-hint-codes.js';
import { registryCardStatus } from '../../src/auth/adapters/registry-status.js';
import type { Transaction } from '../../src/auth/wire.js';
import { setCertificatesStatus } from '../../src/registry/index.js';
import { PostgresDatabase } from '../../src/registry/postgres.js';
import { disableRp, setRpStatus } from '../../src/rp/repo/set-rp-status.js';
import { updateRp } from '../../src/rp/repo/update-rp.js';
import { issueTerminalCredential } from '../../src/rp/repo/issue-terminal-credential.js';
import { rotateCredential } from '../../src/rp/repo/rotate-credential.js';
import { terminalRateKey } from '../../src/rp/rate-limit.js';
import { MemoryStore } from '../../src/store/memory.js';
import { FixedClock } from '../../src/util/clock.js';
import {
  addRp,
  buildApp,
  cardSignInput,
  inputOf,
  issueCard,
  makeCa,
  openRegistry,
  peppers,
  registerCard,
  type Registry,
  type TestApp,
  type TestCa,
  type TestCard,
} from './support/fixture.js';

const txn = { amount: '25000.00', currency: 'KHR', payee: 'ACLEDA Bank Plc.', reference: 'INV-2026-0042' };

describe('auth HTTP API (real CA, PostgreSQL, memory store)', function () {
  this.timeout(60_000);
  let ca: TestCa;
  let otherCa: TestCa;
  let reg: Registry;
  let clock: FixedClock;
  let t: TestApp;
  let card: TestCard;
  let rp: Awaited<ReturnType<typeof addRp>>;

  before(async () => {
    [ca, otherCa, reg] = await Promise.all([makeCa(), makeCa(), openRegistry()]);
    card = await issueCard(ca.ca);
    await registerCard(reg.db, card);
  });
  after(async () => {
    await reg?.close();
    await ca?.cleanup();
    await otherCa?.cleanup();
  });
  beforeEach(async () => {
    clock = new FixedClock(new Date());
    t = await buildApp({ ca: ca.ca, db: reg.db, store: new MemoryStore(clock), clock });
    rp = await addRp(reg.db);
  });

  async function challenge(body: Record<string, unknown> = { terminalId: 'atm-1', transaction: txn }, bearer = rp.bearer) {
    const r = await request(t.app).post('/v1/auth/challenges').set('Authorization', bearer).send(body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: string; nonce: string; rpId: string; terminalId: string; transaction: Transaction | null; expiresAt: string; signingInput: { input: string } };
  }
  function respond(id: string, body: Record<string, unknown>, bearer = rp.bearer) {
    return request(t.app).post(`/v1/auth/challenges/${id}/response`).set('Authorization', bearer).send(body);
  }
  function answer(ch: { signingInput: { input: string }; terminalId: string }, c: TestCard = card, input = ch.signingInput.input) {
    return { terminalId: ch.terminalId, certificate: c.der.toString('base64'), signature: cardSignInput(c, input).toString('base64'), triesLeft: 3 };
  }
  function reasonLogged(reason: string): boolean {
    return t.log.records().some((r) => r['msg'] === 'card authentication refused' && r['reason'] === reason);
  }

  it('authenticates: 25,000.00 KHR to a named payee, result verified with jose from the JWKS', async () => {
    const ch = await challenge();
    assert.match(ch.nonce, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(ch.signingInput.input, inputOf(ch), 'the terminal can rebuild the input from the answer');
    const r = await respond(ch.id, answer(ch));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const jwks = await request(t.app).get('/.well-known/jwks.json');
    assert.equal(jwks.status, 200);
    const { payload, protectedHeader } = await jwtVerify(r.body.result, createLocalJWKSet(jwks.body), {
      issuer: 'http://127.0.0.1:8080',
      audience: rp.rp.id,
      algorithms: ['ES256'],
      currentDate: clock.now(),
    });
    assert.equal(protectedHeader.kid, jwks.body.keys[0].kid);
    assert.equal(payload['pinVerified'], 'on-card');
    assert.equal(payload['jti'], ch.id);
    assert.equal(payload['terminal_id'], 'atm-1');
    assert.equal(payload['cert_serial'], card.serialHex);
    assert.equal(payload['card_serial'], String(card.cardSerial));
    assert.deepEqual(payload['txn'], txn);
    assert.match(String(payload['txn_hash']), /^[0-9a-f]{64}$/);
    assert.equal(payload['attributes'], undefined, 'no eKYC without policy and consent');
    assert.deepEqual(r.body.claims, payload);
    const state = await request(t.app).get(`/v1/auth/challenges/${ch.id}`).set('Authorization', rp.bearer);
    assert.equal(state.body.status, 'completed');
    assert.equal(state.body.result, r.body.result);
    assert.deepEqual(state.body.claims, r.body.claims);
    // RFC 8785 text of txn (its keys are already in order): the hash the card's signing input covers.
    assert.equal(payload['txn_hash'], createHash('sha256').update(JSON.stringify(txn)).digest('hex'));
  });

  it('refuses a replay of a used challenge', async () => {
    const ch = await challenge();
    const a = answer(ch);
    assert.equal((await respond(ch.id, a)).status, 200);
    const again = await respond(ch.id, a);
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'challenge_used');
  });

  it("another RP can neither burn nor probe a challenge: its response, GET and DELETE are not found, and the owner completes it", async () => {
    const other = await addRp(reg.db);
    const ch = await challenge();
    const never = 'ch_AAAAAAAAAAAAAAAAAAAAAA';
    // The owner's valid response, sent by another RP: answered exactly as an id never issued.
    const r = await respond(ch.id, answer(ch), other.bearer);
    assert.equal(r.status, 404);
    assert.equal(r.body.code, 'challenge_not_found');
    const unknown = await respond(never, answer(ch), other.bearer);
    assert.deepEqual([unknown.status, unknown.body.code], [r.status, r.body.code]);
    const get = await request(t.app).get(`/v1/auth/challenges/${ch.id}`).set('Authorization', other.bearer);
    assert.equal(get.status, 404);
    assert.equal(get.body.code, 'challenge_not_found');
    const del = await request(t.app).delete(`/v1/auth/challenges/${ch.id}`).set('Authorization', other.bearer);
    assert.equal(del.status, 404);
    assert.equal(del.body.code, 'challenge_not_found');
    // Untouched: still pending for its owner, and still completes.
    const st = await request(t.app).get(`/v1/auth/challenges/${ch.id}`).set('Authorization', rp.bearer);
    assert.equal(st.body.status, 'pending');
    const ok = await respond(ch.id, answer(ch));
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.claims.aud, rp.rp.id);
    // Once completed, the other RP still learns nothing (not "used").
    const late = await respond(ch.id, answer(ch), other.bearer);
    assert.equal(late.body.code, 'challenge_not_found');
    assert.equal((await request(t.app).get(`/v1/auth/challenges/${ch.id}`).set('Authorization', other.bearer)).body.code, 'challenge_not_found');
    assert.equal((await request(t.app).get(`/v1/auth/challenges/${ch.id}`).set('Authorization', rp.bearer)).body.status, 'completed');
  });

  it("refuses another terminal's challenge", async () => {
    const ch2 = await challenge();
    const r2 = await respond(ch2.id, { ...answer(ch2), terminalId: 'atm-2' });
    assert.equal(r2.body.code, 'challenge_terminal_mismatch');
  });

  it('refuses a transaction changed after the challenge (amount, payee)', async () => {
    for (const changed of [{ ...txn, amount: '2500000.00' }, { ...txn, payee: 'Mallory Ltd' }] as Transaction[]) {
      const ch = await challenge();
      const forged = inputOf({ ...ch, transaction: changed });
      const r = await respond(ch.id, answer(ch, card, forged));
      assert.equal(r.status, 401);
      assert.equal(r.body.code, 'authentication_failed');
    }
    assert.ok(reasonLogged('signature_invalid'));
  });

  it('refuses an expired challenge (frozen clock)', async () => {
    const ch = await challenge();
    clock.advance(120_001);
    const r = await respond(ch.id, answer(ch));
    assert.equal(r.status, 410);
    assert.equal(r.body.code, 'challenge_expired');
    const st = await request(t.app).get(`/v1/auth/challenges/${ch.id}`).set('Authorization', rp.bearer);
    assert.equal(st.body.status, 'expired');
  });

  it('refuses a certificate from another CA', async () => {
    const foreign = await issueCard(otherCa.ca);
    const ch = await challenge();
    const r = await respond(ch.id, answer(ch, foreign));
    assert.equal(r.body.code, 'authentication_failed');
    assert.ok(reasonLogged('certificate_untrusted'));
    // The public answer names no internal reason.
    const text = JSON.stringify(r.body);
    for (const reason of authFailureReasons) assert.ok(!text.includes(reason), `${reason} leaked`);
  });

  it('refuses an expired certificate', async () => {
    const short = await issueCard(ca.ca, { notAfter: new Date(Date.now() + 2 * 86_400_000) });
    await registerCard(reg.db, short);
    clock.set(new Date());
    clock.advance(3 * 86_400_000);
    const ch = await challenge();
    const r = await respond(ch.id, answer(ch, short));
    assert.equal(r.body.code, 'authentication_failed');
    assert.ok(reasonLogged('certificate_expired'));
  });

  it('refuses a suspended (on hold) and then a revoked card with their codes', async () => {
    const c = await issueCard(ca.ca);
    await registerCard(reg.db, c);
    clock.set(new Date()); // the certificate's notBefore is its issuance second
    await setCertificatesStatus(reg.db, c.cardSerial, ['good'], { status: 'hold' }, { actor: 'test', action: 'card.suspend' }, new Date());
    let ch = await challenge();
    let r = await respond(ch.id, answer(ch, c));
    assert.equal(r.body.code, 'card_suspended', t.log.lines.filter((l) => l.includes('refused')).join('\n'));
    await setCertificatesStatus(reg.db, c.cardSerial, ['hold'], { status: 'revoked', reason: 'keyCompromise' }, { actor: 'test', action: 'card.revoke' }, new Date());
    ch = await challenge();
    r = await respond(ch.id, answer(ch, c));
    assert.equal(r.status, 401);
    assert.equal(r.body.code, 'card_revoked');
  });

  it('refuses a card with no attestation on record, and a certificate the registry does not know', async () => {
    const unattested = await issueCard(ca.ca);
    await registerCard(reg.db, unattested, { attested: false });
    clock.set(new Date());
    let ch = await challenge();
    let r = await respond(ch.id, answer(ch, unattested));
    assert.equal(r.body.code, 'authentication_failed');
    assert.ok(reasonLogged('attestation_missing'));
    const unregistered = await issueCard(ca.ca);
    clock.set(new Date());
    ch = await challenge();
    r = await respond(ch.id, answer(ch, unregistered));
    assert.equal(r.body.code, 'authentication_failed');
    assert.ok(reasonLogged('certificate_unknown'));
  });

  it('refuses a signature by another card (certificate of one, key of another)', async () => {
    const ch = await challenge();
    const thief = { privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey };
    const r = await respond(ch.id, { ...answer(ch), signature: cardSignInput(thief as TestCard, ch.signingInput.input).toString('base64') });
    assert.equal(r.body.code, 'authentication_failed');
    assert.ok(reasonLogged('signature_invalid'));
  });

  it('refuses truncated and oversized bodies without consuming the challenge', async () => {
    const ch = await challenge();
    const a = answer(ch);
    const json = JSON.stringify(a);
    const cut = await request(t.app).post(`/v1/auth/challenges/${ch.id}/response`).set('Authorization', rp.bearer).set('Content-Type', 'application/json').send(json.slice(0, json.length - 9));
    assert.equal(cut.status, 400);
    assert.equal(cut.body.code, 'invalid_json');
    const shortSig = await respond(ch.id, { ...a, signature: a.signature.slice(0, 8) });
    assert.equal(shortSig.body.code, 'invalid_request');
    const truncatedCert = await respond(ch.id, { ...a, certificate: a.certificate.slice(0, 200) });
    assert.equal(truncatedCert.body.code, 'authentication_failed', 'a cut certificate is parsed and refused');
    const ch2 = await challenge();
    const big = await respond(ch2.id, { ...answer(ch2), certificate: 'A'.repeat(9000) });
    assert.equal(big.status, 413);
    assert.equal(big.body.code, 'payload_too_large');
    const ok = await respond(ch2.id, answer(ch2));
    assert.equal(ok.status, 200, 'the oversized body did not burn the challenge');
  });

  it('answers 503 unavailable, never authenticated, when the registry is down; the same response completes the challenge once it is back', async () => {
    const dead = new PostgresDatabase(reg.pg.url);
    await dead.close();
    const store = new MemoryStore(clock);
    const down = await buildApp({ ca: ca.ca, db: reg.db, store, clock, status: registryCardStatus(dead) });
    const ch = (await request(down.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1' })).body;
    const response = answer(ch);
    const r = await request(down.app).post(`/v1/auth/challenges/${ch.id}/response`).set('Authorization', rp.bearer).send(response);
    assert.equal(r.status, 503);
    assert.equal(r.body.code, 'unavailable');
    assert.equal(r.body.result, undefined);
    assert.equal((await request(down.app).get(`/v1/auth/challenges/${ch.id}`).set('Authorization', rp.bearer)).body.status, 'pending');
    // Another service process, whose registry answers, shares the store.
    const up = await buildApp({ ca: ca.ca, db: reg.db, store, clock });
    const again = await request(up.app).post(`/v1/auth/challenges/${ch.id}/response`).set('Authorization', rp.bearer).send(response);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.claims.jti, ch.id);
    assert.equal((await request(up.app).post(`/v1/auth/challenges/${ch.id}/response`).set('Authorization', rp.bearer).send(response)).body.code, 'challenge_used');
  });

  it('of 100 concurrent submissions of one valid response exactly one succeeds (memory store)', async () => {
    const ch = await challenge();
    const a = answer(ch);
    const rs = await Promise.all(Array.from({ length: 100 }, () => respond(ch.id, a)));
    assert.equal(rs.filter((r) => r.status === 200).length, 1);
    assert.ok(rs.filter((r) => r.status !== 200).every((r) => r.body.code === 'challenge_used'));
  });

  it('releases eKYC attributes only with policy and consent; sub is pairwise per RP', async () => {
    const bank = await addRp(reg.db, { scopes: ['auth', 'ekyc'], ekycAttributes: ['givenName', 'surname', 'birthDate'] });
    const consent = 'Share your name and date of birth with the bank to open an account.';
    const ch = await challenge({ terminalId: 'atm-1', requestedAttributes: ['givenName', 'birthDate'], consentText: consent }, bank.bearer);
    const r = await respond(ch.id, answer(ch), bank.bearer);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.claims.attributes, { givenName: 'Dara', birthDate: '1990-04-17' });
    // Not in the policy → refused when asking
    const refused = await request(t.app).post('/v1/auth/challenges').set('Authorization', bank.bearer).send({ terminalId: 'atm-1', requestedAttributes: ['nationalId'], consentText: consent });
    assert.equal(refused.body.code, 'attributes_not_allowed');
    // No consent text → refused when asking
    const noConsent = await request(t.app).post('/v1/auth/challenges').set('Authorization', bank.bearer).send({ terminalId: 'atm-1', requestedAttributes: ['givenName'] });
    assert.equal(noConsent.body.code, 'invalid_request');
    // An RP without the ekyc scope
    const plain = await request(t.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1', requestedAttributes: ['givenName'], consentText: consent });
    assert.equal(plain.body.code, 'scope_not_allowed');
    // Pairwise: same citizen, two RPs → different subs; same RP twice → the same sub
    const ch2 = await challenge();
    const plainResult = await respond(ch2.id, answer(ch2));
    const ch3 = await challenge();
    const plainAgain = await respond(ch3.id, answer(ch3));
    assert.equal(plainResult.body.claims.sub, plainAgain.body.claims.sub);
    assert.notEqual(plainResult.body.claims.sub, r.body.claims.sub);
    assert.ok(!JSON.stringify(plainResult.body).includes(card.nationalId), 'no national id without consent');
  });

  it('refuses calls without a valid credential, from a disabled RP, from an unknown terminal', async () => {
    const none = await request(t.app).post('/v1/auth/challenges').send({ terminalId: 'atm-1' });
    assert.equal(none.status, 401);
    assert.equal(none.body.code, 'unauthorized');
    const wrong = await request(t.app).post('/v1/auth/challenges').set('Authorization', `Bearer ${rp.credential.keyId}.${'A'.repeat(43)}`).send({ terminalId: 'atm-1' });
    assert.equal(wrong.body.code, 'unauthorized');
    const unknownTerminal = await request(t.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-99' });
    assert.equal(unknownTerminal.status, 403);
    assert.equal(unknownTerminal.body.code, 'terminal_unknown');
    await disableRp(reg.db, rp.rp.id, 'contract ended', 'staff:test', new Date());
    const disabled = await request(t.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1' });
    assert.equal(disabled.status, 403);
    assert.equal(disabled.body.code, 'rp_disabled');
  });

  it('rp update: an added terminal is served, a removed one is refused — its pending challenge too; enable lets a disabled RP in again', async () => {
    const pending = await challenge({ terminalId: 'atm-2', transaction: txn });
    await updateRp(reg.db, rp.rp.id, { addTerminals: ['atm-3'], removeTerminals: ['atm-2'] }, 'staff:test', new Date());
    const added = await challenge({ terminalId: 'atm-3', transaction: txn });
    assert.equal((await respond(added.id, answer(added))).status, 200);
    const removed = await request(t.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-2' });
    assert.equal(removed.status, 403);
    assert.equal(removed.body.code, 'terminal_unknown');
    const late = await respond(pending.id, answer(pending));
    assert.equal(late.status, 403);
    assert.equal(late.body.code, 'terminal_unknown');
    await disableRp(reg.db, rp.rp.id, 'paused', 'staff:test', new Date());
    assert.equal((await request(t.app).get('/v1/rp/me').set('Authorization', rp.bearer)).body.code, 'rp_disabled');
    await setRpStatus(reg.db, rp.rp.id, 'active', 'resumed', 'staff:test', new Date());
    const me = await request(t.app).get('/v1/rp/me').set('Authorization', rp.bearer);
    assert.equal(me.status, 200);
    assert.deepEqual(me.body.terminals, ['atm-1', 'atm-3']);
  });

  it("a terminal-bound key speaks for its terminal only: another terminal's challenges are not found to it and stay usable", async () => {
    const { credential } = await issueTerminalCredential(reg.db, rp.rp.id, 'atm-1', peppers.apiSecret, 'staff:test', new Date());
    const atm1 = `Bearer ${credential.token}`;
    const me = await request(t.app).get('/v1/rp/me').set('Authorization', atm1);
    assert.equal(me.body.terminal, 'atm-1');
    // Its own terminal: the whole flow.
    const own = await challenge({ terminalId: 'atm-1', transaction: txn }, atm1);
    assert.equal((await request(t.app).get(`/v1/auth/challenges/${own.id}`).set('Authorization', atm1)).body.status, 'pending');
    const done = await respond(own.id, answer(own), atm1);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    // Another terminal: refused before anything is stored.
    const other = await request(t.app).post('/v1/auth/challenges').set('Authorization', atm1).send({ terminalId: 'atm-2', transaction: txn });
    assert.equal(other.status, 403);
    assert.equal(other.body.code, 'terminal_not_allowed');
    // The back end's challenge for atm-2: not found to the atm-1 key, whatever it claims, and not burnt.
    const theirs = await challenge({ terminalId: 'atm-2', transaction: txn });
    for (const r of [
      await request(t.app).get(`/v1/auth/challenges/${theirs.id}`).set('Authorization', atm1),
      await request(t.app).delete(`/v1/auth/challenges/${theirs.id}`).set('Authorization', atm1),
      await respond(theirs.id, { ...answer(theirs), terminalId: 'atm-1' }, atm1),
    ]) {
      assert.equal(r.status, 404, JSON.stringify(r.body));
      assert.equal(r.body.code, 'challenge_not_found');
    }
    const claimed = await respond(theirs.id, answer(theirs), atm1);
    assert.equal(claimed.body.code, 'terminal_not_allowed');
    assert.equal((await request(t.app).get(`/v1/auth/challenges/${theirs.id}`).set('Authorization', rp.bearer)).body.status, 'pending');
    assert.equal((await respond(theirs.id, answer(theirs))).status, 200, 'the RP-wide key completes it');
  });

  it('rotates a credential: the old one works during the overlap, not after', async () => {
    const { credential } = await rotateCredential(reg.db, rp.rp.id, 3600, peppers.apiSecret, 'staff:test', clock.now());
    const me = (b: string) => request(t.app).get('/v1/rp/me').set('Authorization', b);
    assert.equal((await me(rp.bearer)).status, 200);
    assert.equal((await me(`Bearer ${credential.token}`)).status, 200);
    clock.advance(3600_000);
    assert.equal((await me(rp.bearer)).body.code, 'unauthorized');
    assert.equal((await me(`Bearer ${credential.token}`)).status, 200);
  });

  it('rate-limits per RP and per terminal with 429 and RateLimit-* / Retry-After', async () => {
    const slow = await addRp(reg.db, { rateLimitPerMinute: 3, terminalRatePerMinute: 100 });
    for (let i = 0; i < 3; i++) {
      const ok = await request(t.app).get('/v1/rp/me').set('Authorization', slow.bearer);
      assert.equal(ok.headers['ratelimit-remaining'], String(2 - i));
    }
    const limited = await request(t.app).get('/v1/rp/me').set('Authorization', slow.bearer);
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, 'rate_limited');
    assert.equal(limited.headers['ratelimit-limit'], '3');
    assert.equal(limited.headers['ratelimit-remaining'], '0');
    assert.ok(Number(limited.headers['retry-after']) >= 1 && Number(limited.headers['retry-after']) <= 60);
    clock.advance(60_000);
    assert.equal((await request(t.app).get('/v1/rp/me').set('Authorization', slow.bearer)).status, 200);
    const kiosk = await addRp(reg.db, { rateLimitPerMinute: 100, terminalRatePerMinute: 2 });
    for (let i = 0; i < 2; i++) await challenge({ terminalId: 'atm-1' }, kiosk.bearer);
    const t429 = await request(t.app).post('/v1/auth/challenges').set('Authorization', kiosk.bearer).send({ terminalId: 'atm-1' });
    assert.equal(t429.status, 429);
    assert.ok(t429.headers['retry-after']);
    assert.equal((await request(t.app).post('/v1/auth/challenges').set('Authorization', kiosk.bearer).send({ terminalId: 'atm-2' })).status, 201);
  });

  it('names both policies in its headers, so a terminal sees its own quota before its 429', async () => {
    const kiosk = await addRp(reg.db, { rateLimitPerMinute: 6000, terminalRatePerMinute: 3 });
    const create = () => request(t.app).post('/v1/auth/challenges').set('Authorization', kiosk.bearer).send({ terminalId: 'atm-1' });
    await create();
    const last = await create();
    assert.equal(last.status, 201);
    assert.equal(last.headers['ratelimit-policy'], '"rp";q=6000;w=60, "terminal";q=3;w=60');
    assert.match(last.headers['ratelimit']!, /^"rp";r=5998;t=\d+, "terminal";r=1;t=\d+$/);
    await create();
    const refused = await create();
    assert.equal(refused.status, 429);
    assert.equal(refused.headers['ratelimit-limit'], '3', 'the limit that refused');
    assert.match(refused.headers['ratelimit']!, /"terminal";r=0;/);
    assert.equal(refused.body.policy, 'terminal');
    const me = await request(t.app).get('/v1/rp/me').set('Authorization', kiosk.bearer);
    assert.equal(me.headers['ratelimit-policy'], '"rp";q=6000;w=60', 'a call naming no terminal counts the RP only');
  });

  it('a response over the terminal limit is 429 and consumes nothing; after the window it completes', async () => {
    const kiosk = await addRp(reg.db, { rateLimitPerMinute: 100, terminalRatePerMinute: 1 });
    const ch = await challenge({ terminalId: 'atm-1' }, kiosk.bearer);
    const refused = await request(t.app).post(`/v1/auth/challenges/${ch.id}/response`).set('Authorization', kiosk.bearer).send(answer(ch));
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, 'rate_limited');
    assert.equal(refused.headers['ratelimit-remaining'], '0');
    assert.equal((await request(t.app).get(`/v1/auth/challenges/${ch.id}`).set('Authorization', kiosk.bearer)).body.status, 'pending');
    clock.advance(60_000);
    const ok = await request(t.app).post(`/v1/auth/challenges/${ch.id}/response`).set('Authorization', kiosk.bearer).send(answer(ch));
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.headers['ratelimit-remaining'], '99');
  });

  it('malformed responses count against the RP limit: beyond it 429 with RateLimit-* / Retry-After, the challenge untouched', async () => {
    const slow = await addRp(reg.db, { rateLimitPerMinute: 5, terminalRatePerMinute: 100 });
    const ch = await challenge({ terminalId: 'atm-1' }, slow.bearer); // 1 of 5
    const a = answer(ch);
    const post = (body: string | Record<string, unknown>) =>
      request(t.app).post(`/v1/auth/challenges/${ch.id}/response`).set('Authorization', slow.bearer).set('Content-Type', 'application/json').send(body);
    const refusals = [
      [await post(JSON.stringify(a).slice(0, 40)), 'invalid_json'], // 2
      [await post({ ...a, signature: 'not base64!' }), 'invalid_request'], // 3: size bounds, in the checks
      [await post({ ...a, terminalId: 'atm-99' }), 'terminal_unknown'], // 4
      [await post({ ...a, certificate: 'A'.repeat(9000) }), 'payload_too_large'], // 5
    ] as const;
    refusals.forEach(([r, code], i) => {
      assert.equal(r.body.code, code);
      assert.equal(r.headers['ratelimit-limit'], '5');
      assert.equal(r.headers['ratelimit-remaining'], String(3 - i), `${code} counted`);
    });
    const over = await post({ ...a, signature: 'still not base64' });
    assert.equal(over.status, 429);
    assert.equal(over.body.code, 'rate_limited');
    assert.equal(over.headers['ratelimit-limit'], '5');
    assert.equal(over.headers['ratelimit-remaining'], '0');
    assert.ok(Number(over.headers['retry-after']) >= 1 && Number(over.headers['retry-after']) <= 60);
    assert.ok(t.log.records().some((r) => r['code'] === 'rate_limited' && r['instead'] === 'invalid_request'), 'the log keeps the refusal the 429 replaced');
    // A valid response is refused too now, and consumes nothing; after the window it completes.
    assert.equal((await post(a)).status, 429);
    clock.advance(60_000);
    assert.equal((await request(t.app).get(`/v1/auth/challenges/${ch.id}`).set('Authorization', slow.bearer)).body.status, 'pending');
    const ok = await post(a);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.headers['ratelimit-remaining'], '3', 'the GET and the response, nothing twice');
  });

  it('refused requests count against the terminal once it is known, and creation refusals count against the RP', async () => {
    const kiosk = await addRp(reg.db, { rateLimitPerMinute: 100, terminalRatePerMinute: 3 });
    const ch = await challenge({ terminalId: 'atm-1' }, kiosk.bearer); // atm-1: 1 of 3
    const a = answer(ch);
    const bad = await respond(ch.id, { ...a, signature: 'QR==' }, kiosk.bearer); // atm-1: 2
    assert.equal(bad.body.code, 'invalid_request');
    assert.equal((await respond(ch.id, { ...a, terminalId: 'atm-99' }, kiosk.bearer)).body.code, 'terminal_unknown');
    assert.equal(await t.deps.store.get(terminalRateKey(kiosk.rp.id, 'atm-99')), null, 'no counter for a terminal that is not registered');
    assert.equal((await respond(ch.id, { ...a, certificate: 'A===' }, kiosk.bearer)).body.code, 'invalid_request'); // atm-1: 3
    const t429 = await respond(ch.id, a, kiosk.bearer);
    assert.equal(t429.status, 429);
    assert.ok(t429.headers['retry-after']);
    assert.equal((await request(t.app).post('/v1/auth/challenges').set('Authorization', kiosk.bearer).send({ terminalId: 'atm-2' })).status, 201, 'another terminal is not limited');
    // Creation: a missing scope is refused before the route counts, and counts all the same.
    const noAuth = await addRp(reg.db, { scopes: ['ekyc'], rateLimitPerMinute: 2 });
    const create = () => request(t.app).post('/v1/auth/challenges').set('Authorization', noAuth.bearer).send({ terminalId: 'atm-1' });
    assert.deepEqual([(await create()).body.code, (await create()).body.code], ['scope_not_allowed', 'scope_not_allowed']);
    const limited = await create();
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['ratelimit-remaining'], '0');
  });

  it('GET shows pending, DELETE cancels, a later response is refused', async () => {
    const ch = await challenge();
    const st = await request(t.app).get(`/v1/auth/challenges/${ch.id}`).set('Authorization', rp.bearer);
    // While pending, the challenge itself comes back for a terminal given only the id.
    // Nothing reported by the terminal yet: the default hint.
    assert.deepEqual(st.body, { status: 'pending', expiresAt: ch.expiresAt, hint: progressHint('waiting_for_terminal'), challenge: ch });
    const other = await addRp(reg.db);
    assert.equal((await request(t.app).get(`/v1/auth/challenges/${ch.id}`).set('Authorization', other.bearer)).body.code, 'challenge_not_found');
    assert.equal((await request(t.app).delete(`/v1/auth/challenges/${ch.id}`).set('Authorization', rp.bearer)).status, 204);
    assert.deepEqual((await request(t.app).get(`/v1/auth/challenges/${ch.id}`).set('Authorization', rp.bearer)).body, { status: 'failed', code: 'challenge_cancelled' });
    assert.equal((await respond(ch.id, answer(ch))).body.code, 'challenge_cancelled');
    assert.equal((await request(t.app).get('/v1/auth/challenges/ch_AAAAAAAAAAAAAAAAAAAAAA').set('Authorization', rp.bearer)).body.code, 'challenge_not_found');
  });

  it('a cancelled challenge is answered challenge_cancelled (the code GET reports), to a valid response and to a second DELETE; a used one stays challenge_used', async () => {
    const ch = await challenge();
    assert.equal((await request(t.app).delete(`/v1/auth/challenges/${ch.id}`).set('Authorization', rp.bearer)).status, 204);
    const late = await respond(ch.id, answer(ch));
    assert.deepEqual([late.status, late.body.code], [409, 'challenge_cancelled']);
    const again = await request(t.app).delete(`/v1/auth/challenges/${ch.id}`).set('Authorization', rp.bearer);
    assert.deepEqual([again.status, again.body.code], [409, 'challenge_cancelled']);
    // The refused response changed nothing: the state still says cancelled.
    assert.deepEqual((await request(t.app).get(`/v1/auth/challenges/${ch.id}`).set('Authorization', rp.bearer)).body, { status: 'failed', code: 'challenge_cancelled' });
    // Completed, and failed for another reason, are still "used", to a response and to a DELETE.
    const done = await challenge();
    assert.equal((await respond(done.id, answer(done))).status, 200);
    const failed = await challenge();
    assert.equal((await respond(failed.id, { ...answer(failed), signature: answer(done).signature })).body.code, 'authentication_failed');
    for (const id of [done.id, failed.id]) {
      assert.equal((await respond(id, answer(done))).body.code, 'challenge_used', id);
      const del = await request(t.app).delete(`/v1/auth/challenges/${id}`).set('Authorization', rp.bearer);
      assert.deepEqual([del.status, del.body.code], [409, 'challenge_used'], id);
    }
  });

  it('a challenge cancelled with a terminal-bound key is challenge_cancelled to that key too', async () => {
    const { credential } = await issueTerminalCredential(reg.db, rp.rp.id, 'atm-1', peppers.apiSecret, 'staff:test', new Date());
    const bearer = `Bearer ${credential.token}`;
    const ch = await challenge({ terminalId: 'atm-1', transaction: txn }, bearer);
    assert.equal((await request(t.app).delete(`/v1/auth/challenges/${ch.id}`).set('Authorization', bearer)).status, 204);
    assert.equal((await respond(ch.id, answer(ch), bearer)).body.code, 'challenge_cancelled');
  });

  it('validates transactions: ISO 4217 code, minor units, positive decimal string', async () => {
    const bad = async (transaction: unknown) =>
      (await request(t.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1', transaction })).body.code;
    assert.equal(await bad({ ...txn, currency: 'XYZ' }), 'invalid_request');
    assert.equal(await bad({ ...txn, amount: '25000.001' }), 'amount_format');
    assert.equal(await bad({ ...txn, currency: 'JPY', amount: '100.5' }), 'amount_format');
    assert.equal(await bad({ ...txn, amount: '-1.00' }), 'amount_format');
    assert.equal(await bad({ ...txn, amount: '0.00' }), 'invalid_request');
    assert.equal(await bad({ ...txn, amount: '1e3' }), 'amount_format');
    // An amount issue beside another one: invalid_request, every issue listed with its own code.
    const mixed = await request(t.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1', transaction: { ...txn, amount: '1e3', payee: '' } });
    assert.equal(mixed.body.code, 'invalid_request');
    const issues = mixed.body.issues as Array<{ path: string; code?: string }>;
    assert.deepEqual(issues.filter((i) => i.path === 'transaction.amount').map((i) => i.code), ['amount_format']);
    assert.ok(issues.some((i) => i.path === 'transaction.payee'));
    assert.ok(issues.filter((i) => i.path !== 'transaction.amount').every((i) => i.code === undefined));
    const ok = await challenge({ terminalId: 'atm-1', transaction: { amount: '12.345', currency: 'KWD', payee: 'x' }, ttlSeconds: 300 });
    assert.equal(ok.transaction?.amount, '12.345');
    assert.equal((await request(t.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1', ttlSeconds: 301 })).body.code, 'invalid_request');
  });

  it('one spelling per amount: its currency\'s ISO 4217 minor digits exactly; the others are 400 amount_format', async () => {
    const post = (transaction: Record<string, unknown>) =>
      request(t.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1', transaction });
    const refused: Array<[string, string]> = [
      ['25000', 'KHR'], ['25000.0', 'KHR'], ['25000.000', 'KHR'], ['25000.', 'KHR'], ['.50', 'KHR'], ['025000.00', 'KHR'],
      ['25000.00', 'JPY'], ['25000.0', 'JPY'],
      ['12.34', 'KWD'], ['12', 'KWD'], ['12.3450', 'KWD'],
    ];
    for (const [amount, currency] of refused) {
      const r = await post({ ...txn, amount, currency });
      assert.deepEqual([r.status, r.body.code], [400, 'amount_format'], `${amount} ${currency}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.detail, new RegExp(currency));
    }
    // The one form of each is accepted, and so is its transaction hash the one hash of that amount.
    for (const [amount, currency] of [['25000.00', 'KHR'], ['25000', 'JPY'], ['12.345', 'KWD'], ['0.01', 'USD']] as const) {
      const r = await post({ ...txn, amount, currency });
      assert.equal(r.status, 201, `${amount} ${currency}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.transaction.amount, amount);
    }
    // Not an amount at all, or zero, stays invalid_request.
    for (const amount of ['-1.00', '1e3', '0.00', ' 1.00', '1,000.00']) {
      assert.equal((await post({ ...txn, amount })).body.code, amount === '0.00' ? 'invalid_request' : 'amount_format', amount);
    }
  });

  it('never logs API secrets, certificates, signatures or the nonce', async () => {
    const ch = await challenge();
    const a = answer(ch);
    await respond(ch.id, a);
    await respond(ch.id, a);
    await respond(ch.id, { ...a, signature: a.signature.slice(4) });
    await request(t.app).get('/v1/rp/me').set('Authorization', `Bearer ${rp.credential.keyId}.${'B'.repeat(43)}`);
    const logs = t.log.text();
    assert.ok(logs.length > 0);
    for (const secret of [rp.credential.secret, rp.credential.token, a.signature, a.certificate.slice(0, 60), ch.nonce, 'B'.repeat(43)]) {
      assert.ok(!logs.includes(secret), `log contains ${secret.slice(0, 12)}…`);
    }
    assert.equal(decodeProtectedHeader((await request(t.app).get(`/v1/auth/challenges/${ch.id}`).set('Authorization', rp.bearer)).body.result).alg, 'ES256');
  });
});
