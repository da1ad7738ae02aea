// @cardauth/client against the real authentication app (PostgreSQL, memory
// store) on a loopback port: with a private key (Client-Assertion) as well
// as an API key; verifyResult refuses a result for another RP or challenge;
// verifyEvidence names the first check a tampered evidence fails; the
// webhook check refuses a bad signature, an old timestamp and a replay, and
// the listener lets a message through again when its handling failed. The
// package imports nothing of the service.
import assert from 'node:assert/strict';
import { generateKeyPairSync, createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { CardauthClient, CardauthApiError, EvidenceError, MemoryReplayGuard, verifyEvidence, verifyWebhook, webhookListener, WebhookVerificationError, type ResultClaims } from 'cardauth/client';
import { addClientKey } from '../../src/rp/repo/add-client-key.js';
import { MemoryStore } from '../../src/store/memory.js';
import { systemClock } from '../../src/util/clock.js';
import { addRp, buildApp, cardSignInput, issueCard, makeCa, openRegistry, registerCard, type Registry, type TestApp, type TestCa, type TestCard } from '../auth/support/fixture.js';

const BASE_AS_ISSUED = 'http://127.0.0.1:8080';

describe('@cardauth/client', function () {
  this.timeout(60_000);
  let ca: TestCa;
  let reg: Registry;
  let card: TestCard;
  let t: TestApp;
  let server: Server;
  let url: string;

  before(async () => {
    [ca, reg] = await Promise.all([makeCa(), openRegistry()]);
    card = await issueCard(ca.ca);
    await registerCard(reg.db, card);
    t = await buildApp({ ca: ca.ca, db: reg.db, store: new MemoryStore(), clock: systemClock, evidence: true });
    server = createServer(t.app).listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await reg?.close();
    await ca?.cleanup();
  });

  // The fixture's issuer is http://127.0.0.1:8080 while it listens elsewhere: a fetch that sends the client's calls to the real port.
  const routed: typeof fetch = (input, init) => fetch(String(input).replace(BASE_AS_ISSUED, url), init);

  it('with a private key: every call signed as a fresh Client-Assertion; results verified with jose; API errors carry the code', async () => {
    const rp = await addRp(reg.db);
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { kid } = await addClientKey(reg.db, rp.rp.id, pair.publicKey.export({ format: 'jwk' }), 'staff:test', new Date());
    const client = new CardauthClient({ baseUrl: BASE_AS_ISSUED, credential: { rpId: rp.rp.id, kid, privateKey: pair.privateKey }, fetch: routed });
    assert.equal(await client.rpId(), rp.rp.id);
    const ch = await client.createChallenge({ terminalId: 'atm-1' }, { idempotencyKey: 'k-1' });
    const again = await client.createChallenge({ terminalId: 'atm-1' }, { idempotencyKey: 'k-1' });
    assert.deepEqual([again.id, again.replayed], [ch.id, true]);
    const pending = await client.getChallenge(ch.id);
    assert.equal(pending.status, 'pending');
    const r = await fetch(`${url}/v1/auth/challenges/${ch.id}/response`, {
      method: 'POST',
      headers: { authorization: rp.bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ terminalId: 'atm-1', certificate: card.der.toString('base64'), signature: cardSignInput(card, ch.signingInput.input).toString('base64') }),
    });
    assert.equal(r.status, 200);
    const state = await client.waitForOutcome(ch.id, { timeoutMs: 5000 });
    assert.equal(state.status, 'completed');
    if (state.status !== 'completed') return;
    const { claims } = await client.verifyResult(state.result, { challengeId: ch.id });
    assert.equal(claims.aud, rp.rp.id);
    await assert.rejects(client.verifyResult(state.result, { challengeId: 'ch_AAAAAAAAAAAAAAAAAAAAAA' }), /is for challenge/);
    // Another RP's client cannot take this result as its own (aud).
    const other = await addRp(reg.db);
    const otherClient = new CardauthClient({ baseUrl: BASE_AS_ISSUED, credential: { apiKey: other.credential.token }, fetch: routed });
    await assert.rejects(otherClient.verifyResult(state.result), (e: { code?: string }) => e.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED');
    await assert.rejects(client.cancelChallenge(ch.id), (e: unknown) => e instanceof CardauthApiError && e.status === 409 && e.code === 'challenge_used');
  });

  it('verifyEvidence: passes for the evidence as issued, and names the first check a tampered one fails', async () => {
    const rp = await addRp(reg.db);
    const client = new CardauthClient({ baseUrl: BASE_AS_ISSUED, credential: { apiKey: rp.credential.token }, fetch: routed });
    const ch = await client.createChallenge({ terminalId: 'atm-1', transaction: { amount: '100.00', currency: 'USD', payee: 'ABA Bank' }, evidence: true });
    const r = await fetch(`${url}/v1/auth/challenges/${ch.id}/response`, {
      method: 'POST',
      headers: { authorization: rp.bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ terminalId: 'atm-1', certificate: card.der.toString('base64'), signature: cardSignInput(card, ch.signingInput.input).toString('base64') }),
    });
    const { result } = (await r.json()) as { result: string };
    const { claims, evidence } = await client.verifyResult(result, { challengeId: ch.id, issuingCa: ca.ca.issuing.pem });
    assert.equal(evidence!.input, ch.signingInput.input);
    const ev = claims.evidence!;
    const tamper = (c: Partial<ResultClaims>, e: Partial<NonNullable<ResultClaims['evidence']>> = {}): ResultClaims => ({ ...claims, ...c, evidence: { ...ev, ...e } });
    const fails = (c: ResultClaims, check: EvidenceError['check'], issuing: string = ca.ca.issuing.pem) =>
      assert.throws(() => verifyEvidence(c, issuing), (err: unknown) => err instanceof EvidenceError && err.check === check, check);
    const flip = (b64: string, at: number) => {
      const b = Buffer.from(b64, 'base64');
      b[at]! ^= 0x01;
      return b.toString('base64');
    };
    fails({ ...claims, evidence: undefined } as ResultClaims, 'missing');
    fails(tamper({ cert_sha256: '00'.repeat(32) }), 'certificate');
    const foreign = await makeCa();
    try {
      fails(claims, 'certificate', foreign.ca.issuing.pem);
    } finally {
      await foreign.cleanup();
    }
    fails(tamper({ aud: 'rp_someoneelse' }), 'preimage');
    fails(tamper({ terminal_id: 'atm-2' }), 'preimage');
    fails(tamper({ txn_hash: '11'.repeat(32) }), 'preimage');
    fails(tamper({}, { sig: cardSignInput(card, '22'.repeat(32)).toString('base64') }), 'signature');
    // A byte of the preimage's nonce part changed: the domain and parts still parse, the card's signature no longer covers it.
    fails(tamper({}, { signing_input_preimage: flip(ev.signing_input_preimage, 12 + 32 + 5) }), 'signature');
    const ocsp = Buffer.from(ev.ocsp, 'base64');
    fails(tamper({}, { ocsp: flip(ev.ocsp, ocsp.length - 200) }), 'ocsp');
  });

  it('verifyWebhook: a valid message once; a bad signature, an old timestamp, a replay are refused', async () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const body = JSON.stringify({ type: 'card.revoked', timestamp: new Date().toISOString(), data: { subject: 's', cardSerial: '1', at: 'x' } });
    const sign = (id: string, ts: number, b = body) => `v1,${createHmac('sha256', Buffer.alloc(32, 7)).update(`${id}.${ts}.${b}`).digest('base64')}`;
    const now = Math.floor(Date.now() / 1000);
    const replay = new MemoryReplayGuard();
    const headers = (id: string, ts = now, sig = sign(id, ts)) => ({ 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': `v1,bm90IGl0 ${sig}` });
    const ok = await verifyWebhook({ secret, headers: headers('msg_1'), body, replay });
    assert.equal(ok.event.type, 'card.revoked');
    const refused = async (h: Record<string, string>, reason: WebhookVerificationError['reason'], b = body) =>
      assert.rejects(verifyWebhook({ secret, headers: h, body: b, replay }), (e: unknown) => e instanceof WebhookVerificationError && e.reason === reason, reason);
    await refused(headers('msg_1'), 'replayed');
    await refused(headers('msg_2'), 'signature_invalid', body.replace('revoked', 'resumed'));
    await refused(headers('msg_3', now - 301), 'timestamp_out_of_range');
    await refused({ 'webhook-id': 'msg_4', 'webhook-signature': sign('msg_4', now) }, 'malformed');
  });

  it('webhookListener: 204 once, 200 for a replay, 401 for a forgery; a message whose handling failed gets through again', async () => {
    const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const seen: string[] = [];
    let failNext = true;
    const listener = webhookListener({
      secret,
      replay: new MemoryReplayGuard(),
      onEvent: (_e, id) => {
        if (failNext) {
          failNext = false;
          throw new Error('database busy');
        }
        seen.push(id);
      },
    });
    const s = createServer(listener).listen(0, '127.0.0.1');
    await new Promise<void>((r) => s.once('listening', () => r()));
    try {
      const u = `http://127.0.0.1:${(s.address() as { port: number }).port}/`;
      const body = JSON.stringify({ type: 'auth.challenge.failed', timestamp: new Date().toISOString(), data: { challengeId: 'ch_x', terminalId: 'atm-1', code: 'authentication_failed' } });
      const post = (id: string, key = Buffer.alloc(32, 9)) => {
        const ts = Math.floor(Date.now() / 1000);
        return fetch(u, { method: 'POST', body, headers: { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': `v1,${createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64')}` } });
      };
      assert.equal((await post('msg_a')).status, 500, 'handling failed: cardauth will retry');
      assert.equal((await post('msg_a')).status, 204, 'the retry is handled');
      assert.equal((await post('msg_a')).status, 200, 'a replay is acknowledged, not handled');
      assert.equal((await post('msg_b', Buffer.alloc(32, 1))).status, 401);
      assert.deepEqual(seen, ['msg_a']);
    } finally {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  });

  it('the package stands alone: src/client imports only node built-ins, jose and its own files', () => {
    const dir = resolve(import.meta.dirname, '../../src/client');
    const files = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : []));
    const bad = files(dir).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/from\s+'([^']+)'|import\('([^']+)'\)/g)]
        .map((m) => m[1] ?? m[2]!)
        .filter((spec) => !(spec.startsWith('node:') || spec === 'jose' || (spec.startsWith('./') && !spec.includes('..'))))
        .map((spec) => `${f}: ${spec}`),
    );
    assert.deepEqual(bad, []);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; exports: Record<string, string> };
    assert.equal(pkg.name, '@cardauth/client');
    assert.equal(pkg.exports['.'], './index.ts');
  });
});
