// Client authentication by signed assertion (private_key_jwt, RFC 7523 §2.2):
// `Authorization: Client-Assertion <JWT>` on the RP API, with keys registered
// through src/rp (add / remove, audited), assertions made with npm `jose` as
// an RP would. Valid → served; expired, too long-lived, replayed jti, wrong
// aud, wrong iss/sub, unknown or removed kid, another key under the kid, alg
// none or HS256 → 401 unauthorized; a disabled RP → rp_disabled; the bearer
// secret keeps working; a private JWK is never accepted for registration.
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import request from 'supertest';
import { verifyAuditChain } from '../../src/registry/audit/verify.js';
import { checkClientJwk } from '../../src/rp/client-keys.js';
import { isRpError } from '../../src/rp/codes.js';
import { addClientKey } from '../../src/rp/repo/add-client-key.js';
import { listClientKeys } from '../../src/rp/repo/find-client-key.js';
import { removeClientKey } from '../../src/rp/repo/remove-client-key.js';
import { setRpStatus } from '../../src/rp/repo/set-rp-status.js';
import { MemoryStore } from '../../src/store/memory.js';
import { systemClock } from '../../src/util/clock.js';
import { addRp, buildApp, makeCa, openRegistry, type Registry, type TestApp, type TestCa } from '../auth/support/fixture.js';

const AUD = 'http://127.0.0.1:8080';

function keyPair(): { privateKey: KeyObject; publicJwk: Record<string, string> } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicJwk: publicKey.export({ format: 'jwk' }) as Record<string, string> };
}

interface Claims {
  iss?: string;
  sub?: string;
  aud?: string;
  jti?: string;
  iat?: number;
  exp?: number;
}

async function assertion(key: KeyObject, kid: string, rpId: string, over: Claims = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const c = { iss: rpId, sub: rpId, aud: AUD, jti: randomUUID(), iat: now, exp: now + 120, ...over };
  return new SignJWT({ jti: c.jti })
    .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
    .setIssuer(c.iss)
    .setSubject(c.sub)
    .setAudience(c.aud)
    .setIssuedAt(c.iat)
    .setExpirationTime(c.exp)
    .sign(key);
}

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('RP client authentication by signed assertion (private_key_jwt)', function () {
  this.timeout(60_000);
  let ca: TestCa;
  let reg: Registry;
  let t: TestApp;

  before(async () => {
    [ca, reg] = await Promise.all([makeCa(), openRegistry()]);
    t = await buildApp({ ca: ca.ca, db: reg.db, store: new MemoryStore(), clock: systemClock });
  });
  after(async () => {
    await reg?.close();
    await ca?.cleanup();
  });

  async function bank() {
    const rp = await addRp(reg.db);
    const k = keyPair();
    const stored = await addClientKey(reg.db, rp.rp.id, { ...k.publicJwk, kid: 'bank-key-2026', use: 'sig', alg: 'ES256' }, 'staff:test', new Date());
    assert.equal(stored.kid, 'bank-key-2026');
    return { ...rp, ...k, kid: stored.kid };
  }
  const me = (auth: string) => request(t.app).get('/v1/rp/me').set('Authorization', auth);
  async function refused(auth: string, what: string): Promise<void> {
    const r = await me(auth);
    assert.deepEqual([r.status, r.body.code], [401, 'unauthorized'], what);
  }

  it('a valid assertion is served: the RP API answers as for its bearer secret, which keeps working', async () => {
    const b = await bank();
    const r = await me(`Client-Assertion ${await assertion(b.privateKey, b.kid, b.rp.id)}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.id, b.rp.id);
    assert.ok(r.headers['ratelimit-limit'], 'counted like any RP call');
    const ch = await request(t.app)
      .post('/v1/auth/challenges')
      .set('Authorization', `Client-Assertion ${await assertion(b.privateKey, b.kid, b.rp.id)}`)
      .send({ terminalId: 'atm-1' });
    assert.equal(ch.status, 201);
    assert.equal(ch.body.rpId, b.rp.id);
    assert.equal((await me(b.bearer)).status, 200, 'the bearer secret still works');
  });

  it('refuses an expired assertion, and one living longer than 5 minutes', async () => {
    const b = await bank();
    const now = Math.floor(Date.now() / 1000);
    await refused(`Client-Assertion ${await assertion(b.privateKey, b.kid, b.rp.id, { iat: now - 400, exp: now - 100 })}`, 'expired');
    await refused(`Client-Assertion ${await assertion(b.privateKey, b.kid, b.rp.id, { iat: now, exp: now + 301 })}`, 'exp more than 300 s after iat');
    await refused(`Client-Assertion ${await assertion(b.privateKey, b.kid, b.rp.id, { iat: now + 120, exp: now + 200 })}`, 'iat in the future');
  });

  it('refuses a replayed jti', async () => {
    const b = await bank();
    const a = await assertion(b.privateKey, b.kid, b.rp.id);
    assert.equal((await me(`Client-Assertion ${a}`)).status, 200);
    await refused(`Client-Assertion ${a}`, 'the same assertion again');
    const jti = randomUUID();
    assert.equal((await me(`Client-Assertion ${await assertion(b.privateKey, b.kid, b.rp.id, { jti })}`)).status, 200);
    await refused(`Client-Assertion ${await assertion(b.privateKey, b.kid, b.rp.id, { jti })}`, 'a new assertion reusing a jti');
  });

  it('refuses the wrong audience, and iss or sub naming another RP', async () => {
    const b = await bank();
    const other = await bank();
    await refused(`Client-Assertion ${await assertion(b.privateKey, b.kid, b.rp.id, { aud: 'https://idp.example.org' })}`, 'wrong aud');
    await refused(`Client-Assertion ${await assertion(b.privateKey, b.kid, b.rp.id, { sub: other.rp.id })}`, 'sub another RP');
    await refused(`Client-Assertion ${await assertion(b.privateKey, b.kid, other.rp.id)}`, 'iss another RP (its kid, our key)');
  });

  it('refuses an unknown kid, a removed key, and another key signing under a registered kid', async () => {
    const b = await bank();
    await refused(`Client-Assertion ${await assertion(b.privateKey, 'no-such-kid', b.rp.id)}`, 'unknown kid');
    await refused(`Client-Assertion ${await assertion(keyPair().privateKey, b.kid, b.rp.id)}`, 'another key under the kid');
    assert.deepEqual(await removeClientKey(reg.db, b.rp.id, b.kid, 'staff:test', new Date()), { changed: true });
    await refused(`Client-Assertion ${await assertion(b.privateKey, b.kid, b.rp.id)}`, 'removed key');
    const keys = await listClientKeys(reg.db, b.rp.id);
    assert.ok(keys[0]!.revokedAt instanceof Date);
  });

  it('refuses alg none and HS256 (with the public key as the HMAC secret), and garbage', async () => {
    const b = await bank();
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: b.rp.id, sub: b.rp.id, aud: AUD, jti: randomUUID(), iat: now, exp: now + 60 };
    await refused(`Client-Assertion ${b64({ alg: 'none', kid: b.kid })}.${b64(claims)}.`, 'alg none');
    const hsInput = `${b64({ alg: 'HS256', kid: b.kid })}.${b64({ ...claims, jti: randomUUID() })}`;
    for (const secret of [Buffer.from(JSON.stringify(b.publicJwk)), Buffer.from(b.publicJwk['x']!, 'base64url')]) {
      await refused(`Client-Assertion ${hsInput}.${createHmac('sha256', secret).update(hsInput).digest('base64url')}`, 'HS256');
    }
    await refused('Client-Assertion not.a.jwt!', 'garbage');
    await refused(`Client-Assertion ${'A'.repeat(5000)}.B.C`, 'too large');
  });

  it('a disabled RP is told so only after its assertion checked out', async () => {
    const b = await bank();
    await setRpStatus(reg.db, b.rp.id, 'disabled', 'test', 'staff:test', new Date());
    const r = await me(`Client-Assertion ${await assertion(b.privateKey, b.kid, b.rp.id)}`);
    assert.deepEqual([r.status, r.body.code], [403, 'rp_disabled']);
  });

  it('registration takes public EC P-256 keys only, names them by kid or RFC 7638 thumbprint, refuses a kid twice, and is audited', async () => {
    const rp = await addRp(reg.db);
    const k = keyPair();
    const stored = await addClientKey(reg.db, rp.rp.id, k.publicJwk, 'staff:test', new Date());
    assert.match(stored.kid, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(Object.keys(stored.jwk).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    await assert.rejects(addClientKey(reg.db, rp.rp.id, k.publicJwk, 'staff:test', new Date()), (e) => isRpError(e, 'rp_invalid'));
    const priv = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    assert.throws(() => checkClientJwk(priv), (e: unknown) => isRpError(e, 'rp_invalid') && /private member "d"/.test((e as Error).message));
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' });
    assert.throws(() => checkClientJwk(p384), (e: unknown) => isRpError(e, 'rp_invalid'));
    assert.throws(() => checkClientJwk({ ...k.publicJwk, alg: 'RS256' }), (e: unknown) => isRpError(e, 'rp_invalid'));
    assert.throws(() => checkClientJwk({ ...k.publicJwk, x: k.publicJwk['y'] }), (e: unknown) => isRpError(e, 'rp_invalid'));
    await assert.rejects(addClientKey(reg.db, 'rp_nobodyhere', keyPair().publicJwk, 'staff:test', new Date()), (e) => isRpError(e, 'rp_not_found'));
    const audit = await reg.db.query<{ action: string }>("SELECT action FROM audit_log WHERE subject = $1 AND action LIKE 'rp.client_key.%'", [`rp:${rp.rp.id}`]);
    assert.deepEqual(audit.map((a) => a.action), ['rp.client_key.add']);
    assert.equal((await verifyAuditChain(reg.db)).ok, true);
  });

  it('OpenAPI offers both schemes on RP routes', async () => {
    const doc = (await request(t.app).get('/openapi.json')).body;
    assert.deepEqual(doc.paths['/v1/auth/challenges'].post.security, [{ rpKey: [] }, { rpClientAssertion: [] }]);
    assert.equal(doc.components.securitySchemes.rpClientAssertion.scheme, 'Client-Assertion');
  });
});
