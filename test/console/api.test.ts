// The API the staff console stands on, through the whole service as `cardauth
// serve` builds it (supertest against its port): the session cookie and its
// CSRF token, sign-in from another origin, changing your own password, the
// audit, relying-party, dashboard, stock and citizen-card routes with their
// permissions, names in Khmer and Latin letters into the registry and the
// certificate, the root redirect and the console's security headers.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import request from 'supertest';
import { recordAuthOutcome } from '../../src/activity/auth-outcomes.js';
import { sqlIssuanceRegistry } from '../../src/issuance/store/sql-registry.js';
import { ADMIN, startConsoleService, type ConsoleService } from './support.js';
import { issueCard } from './issued-card.js';

const PW = 'a console test password';

describe('console API (whole service)', function () {
  this.timeout(120_000);
  let s: ConsoleService;
  const url = () => s.url;
  const host = () => new URL(s.url).host;

  /** Sign in for the console: the cookie (name=value) and the CSRF token. */
  async function cookieSession(username: string, password: string): Promise<{ cookie: string; csrf: string; setCookie: string }> {
    const r = await request(url()).post('/v1/staff/login').set('Origin', s.url).send({ username, password, session: 'cookie' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const setCookie = String((r.headers['set-cookie'] as unknown as string[])[0]);
    return { cookie: setCookie.split(';')[0]!, csrf: r.body.csrfToken as string, setCookie };
  }
  async function bearer(username: string, password: string): Promise<string> {
    const r = await request(url()).post('/v1/staff/login').send({ username, password });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.token as string;
  }
  let admin: string;
  let officer: string;
  let supervisor: string;
  let auditor: string;

  before(async () => {
    s = await startConsoleService();
    admin = await bearer(ADMIN.username, ADMIN.password);
    for (const [username, role] of [['olivia', 'officer'], ['sam', 'supervisor'], ['audrey', 'auditor']] as const) {
      const r = await request(url()).post('/v1/staff/accounts').set('Authorization', `Bearer ${admin}`).send({ username, displayName: username, role, password: PW });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    officer = await bearer('olivia', PW);
    supervisor = await bearer('sam', PW);
    auditor = await bearer('audrey', PW);
  });
  after(async () => s?.close());

  describe('the console session cookie', () => {
    it('sign-in for the console sets an HttpOnly, SameSite=Strict cookie and answers a CSRF token, never the session token', async () => {
      const r = await request(url()).post('/v1/staff/login').set('Origin', s.url).send({ username: 'olivia', password: PW, session: 'cookie' });
      assert.equal(r.status, 200);
      assert.equal(r.body.token, undefined);
      assert.match(r.body.csrfToken, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(r.body.staff.username, 'olivia');
      const c = String((r.headers['set-cookie'] as unknown as string[])[0]);
      assert.match(c, /^cardauth_session=cas_[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
      assert.ok(!JSON.stringify(r.body).includes(c.split(';')[0]!.split('=')[1]!), 'the token is not in the body');
      assert.equal(r.headers['cache-control'], 'no-store');
    });

    it('the cookie authenticates reads; /me names the CSRF token and what the role may do', async () => {
      const { cookie, csrf } = await cookieSession('olivia', PW);
      const me = await request(url()).get('/v1/staff/me').set('Cookie', cookie);
      assert.equal(me.status, 200);
      assert.equal(me.body.csrfToken, csrf);
      assert.ok(me.body.permissions.includes('citizen.enrol') && !me.body.permissions.includes('staff.manage'));
      assert.equal(me.body.idleTimeoutSeconds, 1800);
      const viaBearer = await request(url()).get('/v1/staff/me').set('Authorization', `Bearer ${officer}`);
      assert.equal(viaBearer.body.csrfToken, undefined, 'a bearer caller has no CSRF token to send');
    });

    it('a change with the cookie but no CSRF token, a wrong one, or from another origin is refused 403 staff_csrf_failed, and nothing changes', async () => {
      const { cookie, csrf } = await cookieSession('olivia', PW);
      const body = { nationalId: 'CSRF0001', surname: 'Test', givenName: 'Csrf', birthDate: '1990-01-01' };
      const none = await request(url()).post('/v1/issuance/citizens').set('Cookie', cookie).send(body);
      assert.deepEqual([none.status, none.body.code], [403, 'staff_csrf_failed']);
      const wrong = await request(url()).post('/v1/issuance/citizens').set('Cookie', cookie).set('X-CSRF-Token', `${csrf.slice(0, -2)}AA`).send(body);
      assert.deepEqual([wrong.status, wrong.body.code], [403, 'staff_csrf_failed']);
      const other = await request(url()).post('/v1/issuance/citizens').set('Cookie', cookie).set('X-CSRF-Token', csrf).set('Origin', 'http://evil.example').send(body);
      assert.deepEqual([other.status, other.body.code], [403, 'staff_csrf_failed']);
      const fetchSite = await request(url()).post('/v1/issuance/citizens').set('Cookie', cookie).set('X-CSRF-Token', csrf).set('Sec-Fetch-Site', 'cross-site').send(body);
      assert.deepEqual([fetchSite.status, fetchSite.body.code], [403, 'staff_csrf_failed']);
      assert.equal((await request(url()).get('/v1/issuance/citizens/CSRF0001').set('Cookie', cookie)).status, 404, 'nothing was enrolled');
      const ok = await request(url()).post('/v1/issuance/citizens').set('Cookie', cookie).set('X-CSRF-Token', csrf).set('Origin', s.url).send(body);
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
    });

    it('one session\'s CSRF token does not pass for another session', async () => {
      const a = await cookieSession('olivia', PW);
      const b = await cookieSession('olivia', PW);
      assert.notEqual(a.csrf, b.csrf);
      const r = await request(url()).post('/v1/staff/approvals').set('Cookie', a.cookie).set('X-CSRF-Token', b.csrf).send({ action: 'pin-reset', subject: '1' });
      assert.deepEqual([r.status, r.body.code], [403, 'staff_csrf_failed']);
    });

    it('a cookie sign-in from another origin is refused (login CSRF); the bearer sign-in of scripts is unchanged', async () => {
      const r = await request(url()).post('/v1/staff/login').set('Origin', 'http://evil.example').send({ username: 'olivia', password: PW, session: 'cookie' });
      assert.deepEqual([r.status, r.body.code], [403, 'staff_csrf_failed']);
      assert.equal(r.headers['set-cookie'], undefined);
      const b = await request(url()).post('/v1/staff/login').set('Origin', 'http://evil.example').send({ username: 'olivia', password: PW });
      assert.equal(b.status, 200);
      assert.match(b.body.token, /^cas_/);
    });

    it('a form post (not JSON) cannot sign in or change anything', async () => {
      const r = await request(url()).post('/v1/staff/login').type('form').send({ username: 'olivia', password: PW, session: 'cookie' });
      assert.deepEqual([r.status, r.body.code], [415, 'unsupported_media_type']);
    });

    it('sign-out ends the session and removes the cookie', async () => {
      const { cookie, csrf } = await cookieSession('olivia', PW);
      const out = await request(url()).post('/v1/staff/logout').set('Cookie', cookie).set('X-CSRF-Token', csrf).set('Origin', s.url);
      assert.equal(out.status, 204);
      assert.match(String((out.headers['set-cookie'] as unknown as string[])[0]), /^cardauth_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
      const after = await request(url()).get('/v1/staff/me').set('Cookie', cookie);
      assert.deepEqual([after.status, after.body.code], [401, 'staff_session_invalid']);
    });

    it('the session ends after the idle time (the service\'s clock)', async () => {
      const { cookie } = await cookieSession('olivia', PW);
      assert.equal((await request(url()).get('/v1/staff/me').set('Cookie', cookie)).status, 200);
      s.clock.advance(31 * 60_000);
      const r = await request(url()).get('/v1/staff/me').set('Cookie', cookie);
      assert.deepEqual([r.status, r.body.code], [401, 'staff_session_invalid']);
      // Sessions opened before also ended: sign the bearer callers in again.
      officer = await bearer('olivia', PW);
      supervisor = await bearer('sam', PW);
      auditor = await bearer('audrey', PW);
      admin = await bearer(ADMIN.username, ADMIN.password);
    });
  });

  describe('changing your own password', () => {
    it('needs the current password (403 staff_password_wrong, naming the field) and a policy-conforming new one (400, newPassword)', async () => {
      const t = await bearer('audrey', PW);
      const wrong = await request(url()).post('/v1/staff/me/password').set('Authorization', `Bearer ${t}`).send({ currentPassword: 'not the password', newPassword: 'another long password' });
      assert.deepEqual([wrong.status, wrong.body.code, wrong.body.field], [403, 'staff_password_wrong', 'currentPassword']);
      const weak = await request(url()).post('/v1/staff/me/password').set('Authorization', `Bearer ${t}`).send({ currentPassword: PW, newPassword: 'short' });
      assert.deepEqual([weak.status, weak.body.code, weak.body.field], [400, 'staff_password_weak', 'newPassword']);
    });

    it('ends every session of the account and opens a new one for the caller; the new password signs in, the old one not', async () => {
      const other = await bearer('audrey', PW);
      const { cookie, csrf } = await cookieSession('audrey', PW);
      const r = await request(url()).post('/v1/staff/me/password').set('Cookie', cookie).set('X-CSRF-Token', csrf).set('Origin', s.url).send({ currentPassword: PW, newPassword: 'new pass phrase for the auditor' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.token, undefined);
      const fresh = String((r.headers['set-cookie'] as unknown as string[])[0]).split(';')[0]!;
      assert.notEqual(fresh, cookie);
      assert.equal((await request(url()).get('/v1/staff/me').set('Cookie', cookie)).status, 401, 'the old cookie session ended');
      assert.equal((await request(url()).get('/v1/staff/me').set('Authorization', `Bearer ${other}`)).status, 401, 'other sessions ended');
      assert.equal((await request(url()).get('/v1/staff/me').set('Cookie', fresh)).status, 200);
      assert.equal((await request(url()).post('/v1/staff/login').send({ username: 'audrey', password: PW })).status, 401);
      auditor = await bearer('audrey', 'new pass phrase for the auditor');
    });
  });

  describe('names in Khmer script and Latin letters', () => {
    it('enrols with both, finds by either surname, and the card certificate carries the Khmer in SN/GN and the Latin CN (UTF8String)', async () => {
      const enrol = await request(url())
        .post('/v1/issuance/citizens')
        .set('Authorization', `Bearer ${officer}`)
        .send({ nationalId: '123456789', surname: 'ស៊ុន', givenName: 'សុភា', surnameLatin: 'sun', givenNameLatin: 'Sophea', birthDate: '1991-04-13' });
      assert.equal(enrol.status, 201, JSON.stringify(enrol.body));
      assert.deepEqual([enrol.body.surname, enrol.body.givenName, enrol.body.surnameLatin, enrol.body.givenNameLatin], ['ស៊ុន', 'សុភា', 'SUN', 'SOPHEA']);
      for (const q of ['ស៊ុ', 'su']) {
        const found = await request(url()).get(`/v1/issuance/citizens?surname=${encodeURIComponent(q)}`).set('Authorization', `Bearer ${officer}`);
        assert.ok(found.body.citizens.some((c: { nationalId: string }) => c.nationalId === '123456789'), q);
      }
      const half = await request(url()).post('/v1/issuance/citizens').set('Authorization', `Bearer ${officer}`).send({ nationalId: '123456780', surname: 'ស៊ុន', givenName: 'សុភា', surnameLatin: 'SUN', birthDate: '1991-04-13' });
      assert.deepEqual([half.status, half.body.code, half.body.field], [400, 'citizen_invalid', 'givenNameLatin']);
      const notLatin = await request(url()).post('/v1/issuance/citizens').set('Authorization', `Bearer ${officer}`).send({ nationalId: '123456781', surname: 'ស៊ុន', givenName: 'សុភា', surnameLatin: 'ស៊ុន', givenNameLatin: 'SOPHEA', birthDate: '1991-04-13' });
      assert.equal(notLatin.status, 400);

      const me = (await request(url()).get('/v1/staff/me').set('Authorization', `Bearer ${officer}`)).body;
      const { serial } = await issueCard(s.service, { dir: s.dir, nationalId: '123456789', officer: { staffId: me.staffId, role: 'officer' }, serial: 62_100_001, clock: s.clock });
      const certs = await sqlIssuanceRegistry(s.service.db).certificatesOf(serial as never);
      const der = (await s.service.db.query<{ der: Uint8Array }>('SELECT der FROM certificates WHERE serial_hex = $1', [certs[0]!.serialHex]))[0]!.der;
      const x = new X509Certificate(Buffer.from(der));
      assert.match(x.subject, /CN=SUN\\,SOPHEA/);
      assert.match(x.subject, /SN=ស៊ុន/);
      assert.match(x.subject, /GN=សុភា/);
      // UTF8String (tag 0x0C) holding the Khmer surname's UTF-8 bytes.
      const khmer = Buffer.from('ស៊ុន', 'utf8');
      assert.ok(Buffer.from(der).includes(Buffer.concat([Buffer.from([0x0c, khmer.length]), khmer])));

      const holder = await request(url()).get(`/v1/issuance/cards/${serial}/citizen`).set('Authorization', `Bearer ${officer}`);
      assert.deepEqual([holder.status, holder.body.citizen.surname, holder.body.citizen.surnameLatin], [200, 'ស៊ុន', 'SUN']);
      const cards = await request(url()).get('/v1/issuance/citizens/123456789/cards').set('Authorization', `Bearer ${officer}`);
      assert.deepEqual(cards.body.cards.map((c: { serial: number }) => c.serial), [serial]);
      const stock = await request(url()).get('/v1/issuance/stock').set('Authorization', `Bearer ${supervisor}`);
      assert.equal(stock.status, 200);
      assert.equal(stock.body.counts.issued, 1);
    });
  });

  describe('audit over HTTP', () => {
    it('lists entries newest first with staff named, filters by action prefix and actor, pages with before', async () => {
      const all = await request(url()).get('/v1/staff/audit?limit=3').set('Authorization', `Bearer ${auditor}`);
      assert.equal(all.status, 200);
      assert.equal(all.body.entries.length, 3);
      assert.ok(all.body.entries[0].seq > all.body.entries[1].seq);
      const next = await request(url()).get(`/v1/staff/audit?limit=3&before=${all.body.next}`).set('Authorization', `Bearer ${auditor}`);
      assert.ok(next.body.entries.every((e: { seq: number }) => e.seq < all.body.next));
      const staffCreate = await request(url()).get('/v1/staff/audit?action=staff.create').set('Authorization', `Bearer ${auditor}`);
      assert.ok(staffCreate.body.entries.length >= 3 && staffCreate.body.entries.every((e: { action: string }) => e.action.startsWith('staff.create')));
      const byAdmin = staffCreate.body.entries.find((e: { actor: string }) => e.actor.startsWith('staff:'));
      assert.match(byAdmin.actorName, /Ada Admin \(ada\)/);
      const onlyAdmin = await request(url()).get(`/v1/staff/audit?actor=${encodeURIComponent(byAdmin.actor)}`).set('Authorization', `Bearer ${auditor}`);
      assert.ok(onlyAdmin.body.entries.every((e: { actor: string }) => e.actor === byAdmin.actor));
    });

    it('verifies the chain and answers the head it verified; a head noted earlier must still be there', async () => {
      const v = await request(url()).post('/v1/staff/audit/verify').set('Authorization', `Bearer ${auditor}`).send({});
      assert.equal(v.status, 200);
      assert.equal(v.body.ok, true);
      assert.match(v.body.headHash, /^[0-9a-f]{64}$/);
      const again = await request(url()).post('/v1/staff/audit/verify').set('Authorization', `Bearer ${auditor}`).send({ expectHead: `${v.body.headSeq}:${v.body.headHash}` });
      assert.equal(again.body.ok, true);
      const forged = await request(url()).post('/v1/staff/audit/verify').set('Authorization', `Bearer ${auditor}`).send({ expectHead: `${v.body.headSeq}:${'0'.repeat(64)}` });
      assert.deepEqual([forged.body.ok, forged.body.problem], [false, 'anchor_mismatch']);
    });

    it('an officer may not read the audit log, a supervisor may read but not verify (403 staff_forbidden)', async () => {
      assert.deepEqual((await request(url()).get('/v1/staff/audit').set('Authorization', `Bearer ${officer}`)).body.code, 'staff_forbidden');
      assert.equal((await request(url()).get('/v1/staff/audit').set('Authorization', `Bearer ${supervisor}`)).status, 200);
      const v = await request(url()).post('/v1/staff/audit/verify').set('Authorization', `Bearer ${supervisor}`).send({});
      assert.deepEqual([v.status, v.body.code], [403, 'staff_forbidden']);
    });
  });

  describe('relying-party administration over HTTP', () => {
    it('registers with a secret shown once, lists without secrets, rotates, issues a terminal key, ends a key, updates, disables and enables', async () => {
      const A = { Authorization: `Bearer ${admin}` };
      const add = await request(url()).post('/v1/staff/relying-parties').set(A).send({ name: 'Console Bank', terminals: ['atm-1', 'atm-2'], scopes: ['auth'] });
      assert.equal(add.status, 201, JSON.stringify(add.body));
      const { relyingParty: rp, credential } = add.body;
      assert.equal(credential.token, `${credential.keyId}.${credential.secret}`);
      // The credential works for the RP API.
      const meRp = await request(url()).get('/v1/rp/me').set('Authorization', `Bearer ${credential.token}`);
      assert.deepEqual([meRp.status, meRp.body.name], [200, 'Console Bank']);
      const list = await request(url()).get('/v1/staff/relying-parties').set(A);
      assert.ok(!JSON.stringify(list.body).includes(credential.secret), 'no secret in the list');
      assert.deepEqual(list.body.relyingParties.find((r: { id: string }) => r.id === rp.id).credentials.map((c: { keyId: string }) => c.keyId), [credential.keyId]);
      const rot = await request(url()).post(`/v1/staff/relying-parties/${rp.id}/rotate`).set(A).send({ overlapSeconds: 0 });
      assert.equal(rot.status, 200);
      assert.notEqual(rot.body.credential.secret, credential.secret);
      const tkey = await request(url()).post(`/v1/staff/relying-parties/${rp.id}/terminal-keys`).set(A).send({ terminal: 'atm-1' });
      assert.deepEqual([tkey.status, tkey.body.terminal], [201, 'atm-1']);
      const revoke = await request(url()).post(`/v1/staff/relying-parties/keys/${tkey.body.credential.keyId}/revoke`).set(A).send({ reason: 'test' });
      assert.deepEqual(revoke.body, { rpId: rp.id, changed: true });
      const upd = await request(url()).patch(`/v1/staff/relying-parties/${rp.id}`).set(A).send({ addTerminals: ['kiosk-9'], removeTerminals: ['atm-2'], rateLimitPerMinute: 100 });
      assert.equal(upd.status, 200, JSON.stringify(upd.body));
      assert.deepEqual(upd.body.relyingParty.terminals, ['atm-1', 'kiosk-9']);
      const bad = await request(url()).patch(`/v1/staff/relying-parties/${rp.id}`).set(A).send({ removeTerminals: ['nope'] });
      assert.deepEqual([bad.status, bad.body.code], [400, 'rp_invalid']);
      const dis = await request(url()).post(`/v1/staff/relying-parties/${rp.id}/disable`).set(A).send({ reason: 'test' });
      assert.deepEqual([dis.body.relyingParty.status, dis.body.changed], ['disabled', true]);
      const en = await request(url()).post(`/v1/staff/relying-parties/${rp.id}/enable`).set(A).send({});
      assert.equal(en.body.relyingParty.status, 'active');
      const audit = await request(url()).get(`/v1/staff/audit?subject=${encodeURIComponent(`rp:${rp.id}`)}`).set(A);
      assert.ok(audit.body.entries.length >= 6);
      assert.ok(!JSON.stringify(audit.body).includes(credential.secret));
      const missing = await request(url()).post('/v1/staff/relying-parties/rp_nope/disable').set(A).send({});
      assert.deepEqual([missing.status, missing.body.code], [404, 'rp_not_found']);
    });

    it('nobody but an admin may (403 staff_forbidden), whatever the page shows', async () => {
      for (const t of [officer, supervisor, auditor]) {
        const r = await request(url()).post('/v1/staff/relying-parties').set('Authorization', `Bearer ${t}`).send({ name: 'X', terminals: ['t'] });
        assert.deepEqual([r.status, r.body.code], [403, 'staff_forbidden']);
        assert.equal((await request(url()).get('/v1/staff/relying-parties').set('Authorization', `Bearer ${t}`)).status, 403);
      }
    });
  });

  describe('dashboard', () => {
    it('counts cards issued since a moment, pending approvals, and authentications per RP and outcome by hour', async () => {
      const rps = (await request(url()).get('/v1/staff/relying-parties').set('Authorization', `Bearer ${admin}`)).body.relyingParties;
      const now = s.clock.now();
      await recordAuthOutcome(s.service.store, rps[0].id, 'succeeded', now);
      await recordAuthOutcome(s.service.store, rps[0].id, 'succeeded', now);
      await recordAuthOutcome(s.service.store, rps[0].id, 'refused', new Date(now.getTime() - 3600_000));
      await request(url()).post('/v1/staff/approvals').set('Authorization', `Bearer ${officer}`).send({ action: 'pin-reset', subject: '62100001' });
      const d = await request(url()).get(`/v1/staff/dashboard?since=${encodeURIComponent(new Date(now.getTime() - 3600_000).toISOString())}&hours=3`).set('Authorization', `Bearer ${officer}`);
      assert.equal(d.status, 200, JSON.stringify(d.body));
      assert.equal(d.body.cardsIssued, 1);
      assert.ok(d.body.pendingApprovals >= 1);
      assert.equal(d.body.authentications.hours.length, 3);
      const ok = d.body.authentications.series.find((x: { outcome: string }) => x.outcome === 'succeeded');
      const refused = d.body.authentications.series.find((x: { outcome: string }) => x.outcome === 'refused');
      assert.deepEqual([ok.rpName, ok.counts], ['Console Bank', [0, 0, 2]]);
      assert.deepEqual(refused.counts, [0, 1, 0]);
      const later = await request(url()).get(`/v1/staff/dashboard?since=${encodeURIComponent(new Date(now.getTime() + 60_000).toISOString())}`).set('Authorization', `Bearer ${officer}`);
      assert.equal(later.body.cardsIssued, 0);
    });
  });

  describe('pages and headers', () => {
    it('the root redirects to /console/; the console answers with a strict CSP, no framing, no referrer', async () => {
      const root = await request(url()).get('/');
      assert.deepEqual([root.status, root.headers['location']], [302, '/console/']);
      const page = await request(url()).get('/console/citizens/new');
      assert.equal(page.status, 200);
      assert.match(page.text, /<script type="module" src="\/console\/assets\/console.js"><\/script>/);
      assert.doesNotMatch(page.text.replace(/<script type="module" src="[^"]+"><\/script>/, ''), /<script|style=|\son[a-z]+=/i, 'no inline script, style or handler');
      const csp = String(page.headers['content-security-policy']);
      for (const d of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'", "connect-src 'self'"]) assert.ok(csp.includes(d), d);
      assert.ok(!csp.includes('unsafe'), 'no unsafe-inline / unsafe-eval');
      assert.equal(page.headers['x-frame-options'], 'DENY');
      assert.equal(page.headers['referrer-policy'], 'no-referrer');
      assert.equal(page.headers['x-content-type-options'], 'nosniff');
      assert.equal(page.headers['x-powered-by'], undefined);
      const js = await request(url()).get('/console/assets/console.js');
      assert.equal(js.status, 200);
      assert.match(String(js.headers['content-type']), /text\/javascript/);
      const etag = String(js.headers['etag']);
      assert.equal((await request(url()).get('/console/assets/console.js').set('If-None-Match', etag)).status, 304);
      assert.ok(!/localStorage|sessionStorage/.test(js.text), 'the console stores nothing in the browser');
      assert.equal((await request(url()).get('/console/assets/nope.js')).status, 404);
      assert.equal((await request(url()).post('/console/citizens').send({})).status, 405);
      assert.equal((await request(url()).get('/console')).headers['location'], '/console/');
    });

    it('the OpenAPI document lists the console\'s routes and the cookie scheme', async () => {
      const doc = (await request(url()).get('/openapi.json')).body;
      for (const p of ['/v1/staff/audit', '/v1/staff/audit/verify', '/v1/staff/relying-parties', '/v1/staff/dashboard', '/v1/issuance/stock', '/v1/staff/me/password']) assert.ok(doc.paths[p], p);
      assert.equal(doc.components.securitySchemes.staffCookie.in, 'cookie');
      assert.deepEqual(doc.paths['/v1/staff/audit'].get.security, [{ staffSession: [] }, { staffCookie: [] }]);
    });
  });
  void host;
});
