import assert from 'node:assert/strict';
import request from 'supertest';
import { z } from 'zod';
import { AppError } from '../../src/errors/app-error.js';
import { errorRegistry } from '../../src/composition/error-registry.js';
import { createApp } from '../../src/http/app.js';
import { HttpMetrics } from '../../src/http/metrics.js';
import { defineRoute, type AnyRoute } from '../../src/http/route.js';
import { documentationRoutes } from '../../src/http/routes/documentation.js';
import { metricsRoutes, operationsRoutes } from '../../src/http/routes/operations.js';
import { createLogger } from '../../src/util/log.js';
import { capture } from '../support/capture.js';

const echo = defineRoute({
  method: 'post',
  path: '/v1/echo/:name',
  operationId: 'echo',
  summary: 'Echo',
  tags: ['test'],
  params: z.object({ name: z.string().regex(/^[a-z]+$/) }),
  body: z.object({ n: z.number().int().min(0), secret: z.string().optional() }),
  maxBodyBytes: 64,
  responses: { 200: { description: 'echoed', schema: z.object({ name: z.string(), n: z.number() }) } },
  async handle({ params, body }) {
    if (body.n === 13) throw new AppError('not_found', 'thirteen is unlucky', 404);
    if (body.n === 666) throw new Error(`internal detail with ${body.secret}`);
    return { body: { name: params.name, n: body.n } };
  },
});

const ping = defineRoute({
  method: 'get',
  path: '/v1/ping/:name',
  operationId: 'ping',
  summary: 'Ping',
  tags: ['test'],
  responses: { 200: { description: 'the name' } },
  async handle({ params }) {
    return { body: { name: params.name } };
  },
});

const preserialised = defineRoute({
  method: 'get',
  path: '/v1/raw',
  operationId: 'raw',
  summary: 'A body serialised by the handler',
  tags: ['test'],
  responses: { 200: { description: 'as written' } },
  async handle() {
    return { json: '{"b":2,"a":"\u00e9"}' };
  },
});

describe('http app', () => {
  const log = capture();
  const metrics = new HttpMetrics();
  const routes: AnyRoute[] = [echo, ...operationsRoutes({}), ...metricsRoutes(metrics), ...documentationRoutes({ routes: () => routes, errorCodes: errorRegistry })];
  const app = createApp({ routes, logger: createLogger({ sink: log.sink }), errorCodes: errorRegistry, metrics });

  it('validates and answers', async () => {
    const r = await request(app).post('/v1/echo/abc').send({ n: 2 }).expect(200);
    assert.deepEqual(r.body, { name: 'abc', n: 2 });
  });

  it('answers problem+json with the first issue for a schema failure', async () => {
    const r = await request(app).post('/v1/echo/abc').send({ n: -1 }).expect(400);
    assert.match(r.headers['content-type']!, /application\/problem\+json/);
    const p = JSON.parse(r.text);
    assert.equal(p.code, 'invalid_request');
    assert.equal(p.issues[0].path, 'n');
  });

  it('answers HEAD of a GET route with its headers and no body, and a malformed %-escape with 400', async () => {
    const got = createApp({ routes: [ping], logger: createLogger({ sink: log.sink }), errorCodes: errorRegistry });
    const head = await request(got).head('/v1/ping/abc').expect(200);
    assert.equal(head.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(head.headers['content-length'], String(Buffer.byteLength('{"name":"abc"}')));
    assert.equal(head.text, undefined);
    assert.deepEqual((await request(got).get('/v1/ping/abc').expect(200)).body, { name: 'abc' });
    const bad = await request(got).get('/v1/ping/%E0%A4%A').expect(400);
    assert.equal(JSON.parse(bad.text).code, 'invalid_request');
  });

  it('answers a malformed %-escape on any method with a 4xx problem, never a 500', async () => {
    const got = createApp({ routes: [ping, echo], logger: createLogger({ sink: log.sink }), errorCodes: errorRegistry });
    for (const method of ['put', 'patch', 'options', 'post', 'delete'] as const) {
      for (const path of ['/v1/ping/%zz', '/v1/ping/%', '/%', '/v1/echo/%E0%A4%A']) {
        const r = await request(got)[method](path);
        assert.ok(r.status >= 400 && r.status < 500, `${method} ${path}: ${r.status}`);
        assert.match(r.headers['content-type'] ?? '', /application\/problem\+json/, `${method} ${path}`);
      }
    }
    const head = await request(got).head('/v1/ping/%zz');
    assert.equal(head.status, 400);
    assert.equal(head.text, undefined);
  });

  it('sends a body the handler serialised itself as it is, with its JSON headers', async () => {
    const raw = createApp({ routes: [preserialised], logger: createLogger({ sink: log.sink }), errorCodes: errorRegistry });
    const r = await request(raw).get('/v1/raw').expect(200);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(r.text, '{"b":2,"a":"\u00e9"}');
    assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.text));
    assert.deepEqual(r.body, { b: 2, a: 'é' });
  });

  it('validates path parameters', async () => {
    const r = await request(app).post('/v1/echo/ABC').send({ n: 1 }).expect(400);
    assert.equal(JSON.parse(r.text).issues[0].in, 'params');
  });

  it('refuses bodies over the bound with 413 and bad JSON with 400', async () => {
    const big = JSON.stringify({ n: 1, secret: 'x'.repeat(100) });
    let r = await request(app).post('/v1/echo/abc').set('content-type', 'application/json').send(big).expect(413);
    assert.equal(JSON.parse(r.text).code, 'payload_too_large');
    r = await request(app).post('/v1/echo/abc').set('content-type', 'application/json').send('{"n":').expect(400);
    assert.equal(JSON.parse(r.text).code, 'invalid_json');
  });

  it('keeps internal errors out of the response', async () => {
    const r = await request(app).post('/v1/echo/abc').send({ n: 666, secret: 's3' }).expect(500);
    const p = JSON.parse(r.text);
    assert.equal(p.code, 'internal_error');
    assert.doesNotMatch(r.text, /s3|internal detail/);
  });

  it('maps AppError to its status and code; unknown paths are not_found', async () => {
    assert.equal(JSON.parse((await request(app).post('/v1/echo/abc').send({ n: 13 }).expect(404)).text).code, 'not_found');
    assert.equal(JSON.parse((await request(app).get('/nope').expect(404)).text).code, 'not_found');
  });

  it('serves an OpenAPI 3.1 document generated from the routes, and a docs page', async () => {
    const doc = (await request(app).get('/openapi.json').expect(200)).body;
    assert.equal(doc.openapi, '3.1.0');
    const op = doc.paths['/v1/echo/{name}'].post;
    assert.equal(op.operationId, 'echo');
    assert.equal(op.requestBody.content['application/json'].schema.properties.n.type, 'integer');
    assert.equal(op.parameters[0].in, 'path');
    assert.deepEqual(doc.components.schemas.Problem.properties.code.enum, Object.keys(errorRegistry).sort());
    const html = (await request(app).get('/docs').expect(200)).text;
    assert.match(html, /\/v1\/echo\/\{name\}/);
  });

  it("hands an authenticated caller's refusal to its scheme (RouteAuth.refused), never an anonymous one or a success", async () => {
    const seen: string[] = [];
    const guarded = defineRoute({
      ...echo,
      operationId: 'guarded',
      auth: {
        scheme: 'rpKey',
        async authenticate(req) {
          if (req.headers.authorization !== 'Bearer ok') throw new AppError('unauthorized', 'no', 401);
          return 'caller';
        },
        async refused(principal, _req, res, err) {
          seen.push(`${principal}:${(err as AppError).code}`);
          res.setHeader('X-Counted', '1');
          return (err as AppError).code === 'payload_too_large' ? new AppError('rate_limited', 'too many', 429) : err;
        },
      },
    });
    const a = createApp({ routes: [guarded], logger: createLogger({ sink: log.sink }), errorCodes: errorRegistry });
    const bad = await request(a).post('/v1/echo/abc').set('Authorization', 'Bearer ok').send({ n: -1 }).expect(400);
    assert.equal(JSON.parse(bad.text).code, 'invalid_request');
    assert.equal(bad.headers['x-counted'], '1');
    const big = await request(a).post('/v1/echo/abc').set('Authorization', 'Bearer ok').set('content-type', 'application/json').send(JSON.stringify({ n: 1, secret: 'x'.repeat(100) })).expect(429);
    assert.equal(JSON.parse(big.text).code, 'rate_limited');
    await request(a).post('/v1/echo/abc').set('Authorization', 'Bearer ok').send({ n: 13 }).expect(404);
    await request(a).post('/v1/echo/abc').set('Authorization', 'Bearer ok').send({ n: 2 }).expect(200);
    await request(a).post('/v1/echo/abc').send({ n: -1 }).expect(401);
    assert.deepEqual(seen, ['caller:invalid_request', 'caller:payload_too_large', 'caller:not_found']);
  });

  it('sends the security headers on every answer, HSTS only when served over TLS, and never lets the docs page be framed', async () => {
    for (const r of [await request(app).get('/healthz'), await request(app).get('/nope'), await request(app).get('/docs')]) {
      assert.equal(r.headers['x-frame-options'], 'DENY');
      assert.equal(r.headers['referrer-policy'], 'no-referrer');
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.equal(r.headers['strict-transport-security'], undefined);
    }
    assert.match((await request(app).get('/docs')).headers['content-security-policy']!, /frame-ancestors 'none'/);
    const tls = createApp({ routes: operationsRoutes({}), logger: createLogger({ sink: log.sink }), errorCodes: errorRegistry, hsts: true });
    assert.match((await request(tls).get('/healthz')).headers['strict-transport-security']!, /^max-age=\d{7,}/);
  });

  it('reports health, readiness and metrics', async () => {
    await request(app).get('/healthz').expect(200);
    const down = createApp({ routes: operationsRoutes({ readiness: { db: async () => false } }), logger: createLogger({ sink: log.sink }), errorCodes: errorRegistry });
    const r = await request(down).get('/readyz').expect(503);
    assert.deepEqual(r.body.checks, { db: false });
    const m = (await request(app).get('/metrics').expect(200)).text;
    assert.match(m, /cardauth_http_requests_total\{operation="echo",status="200"\}/);
  });
});
