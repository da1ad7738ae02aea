// Versioning and deprecation (docs/api-versioning.md): the API version in
// OpenAPI info and at the head of docs/CHANGELOG.md agree; a deprecated route
// answers with Deprecation (RFC 9745), Sunset (RFC 8594) and Link headers,
// on success and refusal alike, and OpenAPI marks it; other routes carry none.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { API_VERSION } from '../../src/http/api-version.js';
import { httpCodes } from '../../src/http/codes.js';
import { defineRoute, type AnyRoute } from '../../src/http/route.js';
import { documentationRoutes } from '../../src/http/routes/documentation.js';
import { silentLogger } from '../../src/util/log.js';
import { z } from 'zod';

describe('API versions and deprecation', () => {
  const since = new Date('2026-07-01T00:00:00Z');
  const sunset = new Date('2027-07-01T00:00:00Z');
  const routes: AnyRoute[] = [
    defineRoute({
      method: 'get',
      path: '/v1/old/:n',
      operationId: 'old',
      summary: 'an old operation',
      tags: ['t'],
      params: z.object({ n: z.string().regex(/^\d+$/) }),
      deprecated: { since, sunset, link: 'https://docs.example/migrate' },
      responses: { 200: { description: 'ok' } },
      async handle() {
        return { body: { ok: true } };
      },
    }),
    defineRoute({ method: 'get', path: '/v1/new', operationId: 'new', summary: 'the new one', tags: ['t'], responses: { 200: { description: 'ok' } }, async handle() { return { body: { ok: true } }; } }),
  ];
  routes.push(...documentationRoutes({ routes: () => routes, errorCodes: httpCodes }));
  const app = createApp({ routes, logger: silentLogger, errorCodes: httpCodes });

  it('the version of OpenAPI info heads the changelog', async () => {
    const doc = (await request(app).get('/openapi.json')).body;
    assert.equal(doc.info.version, API_VERSION);
    const changelog = readFileSync(new URL('../../docs/CHANGELOG.md', import.meta.url), 'utf8');
    assert.equal(/^## (\d+\.\d+\.\d+)$/m.exec(changelog)?.[1], API_VERSION);
  });

  it('a deprecated operation says so on every answer, and in OpenAPI', async () => {
    for (const r of [await request(app).get('/v1/old/1'), await request(app).get('/v1/old/x')]) {
      assert.equal(r.headers['deprecation'], `@${since.getTime() / 1000}`);
      assert.equal(r.headers['sunset'], 'Thu, 01 Jul 2027 00:00:00 GMT');
      assert.equal(r.headers['link'], '<https://docs.example/migrate>; rel="deprecation"; type="text/html"');
    }
    const fresh = await request(app).get('/v1/new');
    assert.equal(fresh.headers['deprecation'], undefined);
    assert.equal(fresh.headers['sunset'], undefined);
    const op = (await request(app).get('/openapi.json')).body.paths['/v1/old/{n}'].get;
    assert.equal(op.deprecated, true);
    assert.equal(op['x-sunset'], '2027-07-01');
  });
});
