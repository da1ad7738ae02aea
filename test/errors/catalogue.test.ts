// The error catalogue a bank programs against (src/composition/error-catalogue.ts):
// every code has a retry rule and a citizen message in English and Khmer;
// every code the relying-party routes can answer (their own, their scheme's,
// the pipeline's) is said explicitly; /openapi.json lists per operation the
// codes it can return, each under the response of its status; and codes the
// API really answers are among those its operation lists.
import assert from 'node:assert/strict';
import request from 'supertest';
import { catalogueEntry, errorCatalogue, rpErrorCatalogue, citizenMessages } from '../../src/composition/error-catalogue.js';
import { errorRegistry } from '../../src/composition/error-registry.js';
import { operationCodes } from '../../src/http/openapi.js';
import type { AnyRoute } from '../../src/http/route.js';
import { authRoutes } from '../../src/http/routes/auth.js';
import { discoveryRoutes } from '../../src/http/routes/discovery.js';
import { jwksRoutes } from '../../src/http/routes/jwks.js';
import { rpRoutes } from '../../src/http/routes/rp.js';
import { webhookRoutes } from '../../src/http/routes/webhooks.js';
import { MemoryStore } from '../../src/store/memory.js';
import { systemClock } from '../../src/util/clock.js';
import { addRp, buildApp, makeCa, openRegistry, type Registry, type TestCa } from '../auth/support/fixture.js';

const KHMER = /[\u1780-\u17FF]/;

/** The routes relying parties call, built with placeholders (their deps are only read when a request comes). */
function rpFacingRoutes(): AnyRoute[] {
  const none = {} as never;
  const deps = { auth: { issuer: 'x', challengeTtlSeconds: 120 } as never, authenticator: none, store: none };
  return [
    ...authRoutes(deps),
    ...rpRoutes(deps),
    ...webhookRoutes({ ...deps, sql: none, clock: systemClock, wake: () => undefined }),
    ...jwksRoutes({ keys: none }),
    ...discoveryRoutes({ auth: { issuer: 'x', challengeTtlSeconds: 120 }, authMethods: [] }),
  ];
}

describe('error catalogue', () => {
  it('every code has a retry rule and a message in English and Khmer', () => {
    const rows = errorCatalogue();
    assert.deepEqual(rows.map((r) => r.code), Object.keys(errorRegistry).sort());
    for (const r of rows) {
      assert.ok(['no', 'later', 'new-challenge'].includes(r.retry), r.code);
      assert.ok(r.message.en.length > 10 && r.message.en.length <= 120, r.code);
      assert.match(r.message.km, KHMER, r.code);
    }
    for (const [id, m] of Object.entries(citizenMessages)) {
      assert.match(m.km, KHMER, id);
      assert.doesNotMatch(m.en + m.km, /[<>{}]/, `${id}: plain text, nothing a screen could interpret`);
    }
    // Capacity and dependency failures are worth a retry; a refused card is not the same request again.
    assert.equal(catalogueEntry('rate_limited').retry, 'later');
    assert.equal(catalogueEntry('unavailable').retry, 'later');
    assert.equal(catalogueEntry('challenge_used').retry, 'new-challenge');
    assert.equal(catalogueEntry('card_revoked').retry, 'no');
    assert.equal(catalogueEntry('staff_busy').retry, 'later', 'derived from 503');
    assert.equal(catalogueEntry('staff_busy').explicit, false);
  });

  it('the catalogue names only registered codes, and every code an RP operation lists is said explicitly', () => {
    assert.deepEqual(Object.keys(rpErrorCatalogue).filter((c) => !(c in errorRegistry)), []);
    const missing = new Set<string>();
    for (const r of rpFacingRoutes()) {
      assert.ok(r.codes !== undefined, `${r.operationId} declares its codes`);
      for (const c of r.codes ?? []) assert.ok(c in errorRegistry, `${r.operationId}: ${c} is registered`);
      for (const c of operationCodes(r, errorRegistry).codes) if (!(c in rpErrorCatalogue)) missing.add(`${r.operationId}: ${c}`);
    }
    assert.deepEqual([...missing], []);
  });

  describe('in OpenAPI and in real answers', function () {
    this.timeout(60_000);
    let ca: TestCa;
    let reg: Registry;
    before(async () => {
      [ca, reg] = await Promise.all([makeCa(), openRegistry()]);
    });
    after(async () => {
      await reg?.close();
      await ca?.cleanup();
    });

    it('every operation lists its codes, each under the response of its status; the answers of the API use listed codes only', async () => {
      const t = await buildApp({ ca: ca.ca, db: reg.db, store: new MemoryStore(), clock: systemClock });
      const doc = (await request(t.app).get('/openapi.json')).body;
      const byOp = new Map<string, string[]>();
      for (const methods of Object.values(doc.paths as Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, { schema: { allOf?: Array<{ properties?: { code?: { enum: string[] } } }> } }> }>; 'x-error-codes': Array<{ code: string; status: number; retry?: string }> }>>)) {
        for (const op of Object.values(methods)) {
          const codes = op['x-error-codes'];
          assert.ok(codes.length > 0, op.operationId);
          byOp.set(op.operationId, codes.map((c) => c.code));
          for (const c of codes) {
            const res = op.responses[String(c.status)];
            assert.ok(res, `${op.operationId}: a ${c.status} response for ${c.code}`);
            const listed = Object.values(res.content ?? {})[0]?.schema.allOf?.[1]?.properties?.code?.enum ?? [];
            assert.ok(listed.includes(c.code), `${op.operationId}: ${c.code} in the ${c.status} response's enum`);
          }
        }
      }
      // Real answers.
      const rp = await addRp(reg.db);
      const seen: Array<[string, string]> = [];
      const note = (op: string, r: { status: number; body: { code?: string } }) => {
        if (r.status >= 400) seen.push([op, r.body.code!]);
      };
      note('createChallenge', await request(t.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).set('content-type', 'application/json').send('{"terminalId":'));
      note('createChallenge', await request(t.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-9' }));
      note('createChallenge', await request(t.app).post('/v1/auth/challenges').set('Authorization', 'Bearer nope.nope').send({ terminalId: 'atm-1' }));
      note('createChallenge', await request(t.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).send({ terminalId: 'atm-1', transaction: { amount: '10', currency: 'USD', payee: 'x' } }));
      note('createChallenge', await request(t.app).post('/v1/auth/challenges').set('Authorization', rp.bearer).set('Idempotency-Key', 'two words').send({ terminalId: 'atm-1' }));
      note('getChallenge', await request(t.app).get('/v1/auth/challenges/ch_AAAAAAAAAAAAAAAAAAAAAA').set('Authorization', rp.bearer));
      note('getChallenge', await request(t.app).get('/v1/auth/challenges/nope').set('Authorization', rp.bearer));
      note('cancelChallenge', await request(t.app).delete('/v1/auth/challenges/ch_AAAAAAAAAAAAAAAAAAAAAA').set('Authorization', rp.bearer));
      note('submitChallengeResponse', await request(t.app).post('/v1/auth/challenges/ch_AAAAAAAAAAAAAAAAAAAAAA/response').set('Authorization', rp.bearer).send({ terminalId: 'atm-1', certificate: 'AAAA', signature: 'AAAA' }));
      assert.ok(seen.length >= 8, JSON.stringify(seen));
      for (const [op, code] of seen) assert.ok(byOp.get(op)!.includes(code), `${op} answered ${code}, which its OpenAPI entry does not list`);
    });
  });
});
