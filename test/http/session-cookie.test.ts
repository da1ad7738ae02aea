// The console's session cookie and CSRF token (src/http/session-cookie.ts):
// the cookie's attributes (Secure when the service is reached over TLS),
// reading it back among other cookies, the CSRF token bound to one session,
// and what counts as the same origin.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { httpCodes } from '../../src/http/codes.js';
import { staffRoutes } from '../../src/http/routes/staff.js';
import { clearSessionCookie, csrfTokenFor, csrfTokenMatches, sameOrigin, sessionCookieToken, setSessionCookie } from '../../src/http/session-cookie.js';
import { registryCodes } from '../../src/registry/codes.js';
import { addStaff, staffCodes, staffDeps } from '../../src/staff/index.js';
import { MemoryStore } from '../../src/store/memory.js';
import { FixedClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/log.js';
import { resetRegistry, useDatabase } from '../registry/support/backends.js';

const req = (headers: Record<string, string>): IncomingMessage => ({ headers, socket: {} }) as unknown as IncomingMessage;
const TOKEN = `cas_${'A'.repeat(43)}`;

describe('console session cookie and CSRF token', function () {
  this.timeout(60_000);

  it('sets HttpOnly, SameSite=Strict and Path=/, adding Secure over TLS; clearing expires it', () => {
    assert.equal(setSessionCookie(TOKEN, false), `cardauth_session=${TOKEN}; Path=/; HttpOnly; SameSite=Strict`);
    assert.equal(setSessionCookie(TOKEN, true), `cardauth_session=${TOKEN}; Path=/; HttpOnly; SameSite=Strict; Secure`);
    assert.match(clearSessionCookie(true), /^cardauth_session=; .*Secure; Max-Age=0$/);
  });

  it('reads the session cookie among others, and nothing from a malformed header', () => {
    assert.equal(sessionCookieToken(req({ cookie: `a=1; cardauth_session=${TOKEN}; b=2` })), TOKEN);
    assert.equal(sessionCookieToken(req({ cookie: 'cardauth_sessionx=1; a=2' })), undefined);
    assert.equal(sessionCookieToken(req({ cookie: 'cardauth_session=with space' })), undefined);
    assert.equal(sessionCookieToken(req({})), undefined);
  });

  it('a CSRF token belongs to one session, compared in full', () => {
    const t = csrfTokenFor(TOKEN);
    assert.notEqual(t, csrfTokenFor(`cas_${'B'.repeat(43)}`));
    assert.ok(!t.includes(TOKEN.slice(4, 20)));
    assert.equal(csrfTokenMatches(req({ 'x-csrf-token': t }), TOKEN), true);
    assert.equal(csrfTokenMatches(req({ 'x-csrf-token': t.slice(0, -1) }), TOKEN), false);
    assert.equal(csrfTokenMatches(req({}), TOKEN), false);
  });

  it('same origin: the Origin names this host, or no Origin and no cross-site fetch metadata', () => {
    assert.equal(sameOrigin(req({ host: 'a.example:8080', origin: 'https://a.example:8080' })), true);
    assert.equal(sameOrigin(req({ host: 'a.example:8080', origin: 'https://a.example:8081' })), false);
    assert.equal(sameOrigin(req({ host: 'a.example', origin: 'null' })), false);
    assert.equal(sameOrigin(req({ host: 'a.example', 'sec-fetch-site': 'same-site' })), false);
    assert.equal(sameOrigin(req({ host: 'a.example', 'sec-fetch-site': 'same-origin' })), true);
    assert.equal(sameOrigin(req({ host: 'a.example' })), true);
  });

  describe('behind an https base URL', () => {
    const h = useDatabase('pglite');
    it('the sign-in cookie is Secure', async () => {
      await resetRegistry(h.db);
      const clock = new FixedClock(new Date('2026-03-01T08:00:00Z'));
      const deps = staffDeps({ sql: h.db, store: new MemoryStore(clock), clock });
      await addStaff(deps, undefined, { username: 'root', displayName: 'Root', role: 'admin', password: 'a long enough password' });
      const app = createApp({ routes: staffRoutes({ staff: deps, baseUrl: 'https://id.example.kh' }), logger: silentLogger, errorCodes: { ...httpCodes, ...registryCodes, ...staffCodes } });
      const r = await request(app).post('/v1/staff/login').send({ username: 'root', password: 'a long enough password', session: 'cookie' });
      assert.equal(r.status, 200);
      assert.match(String((r.headers['set-cookie'] as unknown as string[])[0]), /; Secure$/);
    });
  });
});
