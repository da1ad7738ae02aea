// HTTP fuzz of every route (fast-check): at least 10,000 generated requests
// per run against the whole service in this process (src/composition, the
// embedded default: PGlite, in-process store), over raw sockets so that
// nothing a well-behaved client would refuse to send is filtered out:
//   - JSON bodies for every route that takes one: wrong types, huge and odd
//     numbers, unicode, control characters, lone surrogates, deep nesting,
//     duplicate and __proto__ keys, long strings, near-valid objects built
//     from the route's own schema, invalid JSON and invalid UTF-8;
//   - paths and queries: every route with its parameters replaced by
//     malformed percent-escapes, traversal, long and unicode segments, other
//     methods than the route's;
//   - headers: credentials (none, a relying party's, staff of each role,
//     garbage), content types, request ids, forwarded-for values;
//   - DER to /pki/ocsp: a real OCSP request mutated (flips, cuts,
//     extensions, random bytes), by POST and by GET.
// Every answer from the application must be below 500 or the documented 503,
// and every error must be problem+json; the process must survive. Requests
// that node:http refuses before the application sees them (a malformed
// request line or header: a bare 400) are counted apart. The seed is printed:
// FUZZ_SEED=<seed> replays a run; FUZZ_RUNS scales it (default 1).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadPeppers, pepperPath } from '../../src/rp/pepper.js';
import { registerRp } from '../../src/rp/repo/register-rp.js';
import { REPO } from '../support/run-bin.js';
import { rawRequest, sendRaw, type RawAnswer } from '../support/raw-http.js';
import { startInProcessService, type InProcessService } from '../support/service-app.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const SCALE = Number(process.env['FUZZ_RUNS'] ?? 1);
const FUZZ_OUT = process.env['CARDAUTH_FUZZ_OUT'] ?? join(REPO, '.faults', 'fuzz.json');

interface Route {
  readonly method: string;
  readonly template: string;
  readonly bodyProps: readonly string[];
  readonly contentType: string | undefined;
}

interface Tally {
  requests: number;
  byStatus: Record<string, number>;
  /** Refused by node:http before the application (no X-Request-Id): malformed request line or header. */
  parserRefusals: number;
  parserRefusalStatuses: Record<string, number>;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

describe('HTTP fuzz: every route, generated requests (fast-check)', function () {
  this.timeout(900_000);
  let s: InProcessService;
  let server: Server;
  let port: number;
  let routes: Route[];
  let ocspRequest: Buffer;
  const credentials: Record<'rp' | 'admin' | 'officer' | 'supervisor' | 'auditor', string> = { rp: '', admin: '', officer: '', supervisor: '', auditor: '' };
  const tally: Tally = { requests: 0, byStatus: {}, parserRefusals: 0, parserRefusalStatuses: {} };
  const categories: Record<string, number> = {};
  let started = Date.now();
  const realIds: string[] = [];

  before(async function () {
    this.timeout(180_000);
    started = Date.now();
    console.log(`      fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED} npx mocha test/http/fuzz.test.ts)`);
    s = await startInProcessService();
    server = s.service.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
    credentials.admin = await s.signIn('admin');
    credentials.officer = await s.signIn('officer');
    credentials.supervisor = await s.signIn('supervisor');
    credentials.auditor = await s.signIn('auditor');
    const { credential } = await registerRp(
      s.service.db,
      { name: 'Fuzz Bank', scopes: ['auth', 'ekyc'], terminals: ['atm-1'], rateLimitPerMinute: 10_000_000, terminalRatePerMinute: 10_000_000 },
      loadPeppers(pepperPath(s.dir)).apiSecret,
      'staff:fuzz',
      new Date(),
    );
    credentials.rp = credential.token;
    // Real ids for the path parameters, so that requests also get past the lookups.
    for (let i = 0; i < 100; i++) {
      const r = await sendRaw(port, rawRequest('POST', '/v1/auth/challenges', [['authorization', `Bearer ${credentials.rp}`], ['content-type', 'application/json']], JSON.stringify({ terminalId: 'atm-1' })));
      assert.equal(r.status, 201, r.body.toString());
      realIds.push(JSON.parse(r.body.toString()).id as string);
    }
    const staffList = await sendRaw(port, rawRequest('GET', '/v1/staff/accounts', [['authorization', `Bearer ${credentials.admin}`]]));
    for (const a of (JSON.parse(staffList.body.toString()) as { staff: Array<{ id: string }> }).staff) realIds.push(a.id);
    // A real OCSP request for a card certificate of this CA (openssl).
    const cert = await s.service.ca.issueCardCertificate({
      publicKey: (await import('node:crypto')).generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey,
      profile: 'card-auth',
      subject: { country: 'KH', surname: 'FUZZ', givenName: 'Ocsp', nationalId: '123456789' },
      notAfter: new Date(Date.now() + 365 * 86_400_000),
    });
    writeFileSync(join(s.dir, 'fuzz-card.pem'), cert.pem);
    execFileSync('openssl', ['ocsp', '-issuer', join(s.dir, 'pki', 'issuing.crt'), '-cert', join(s.dir, 'fuzz-card.pem'), '-reqout', join(s.dir, 'fuzz-req.der')]);
    ocspRequest = readFileSync(join(s.dir, 'fuzz-req.der'));
    // Every route, from the service's own OpenAPI document.
    const doc = JSON.parse((await sendRaw(port, rawRequest('GET', '/openapi.json', []))).body.toString('utf8')) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>>;
    };
    routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => {
        const content = op.requestBody?.content ?? {};
        const contentType = Object.keys(content)[0];
        return { method: method.toUpperCase(), template: path, contentType, bodyProps: Object.keys(content['application/json']?.schema?.properties ?? {}) };
      }),
    );
    for (const fixed of ['/healthz', '/readyz', '/metrics', '/docs', '/openapi.json', '/.well-known/jwks.json']) routes.push({ method: 'GET', template: fixed, contentType: undefined, bodyProps: [] });
    assert.ok(routes.length >= 30, `routes found: ${routes.length}`);
  });

  const failed: string[] = [];
  afterEach(function () {
    if (this.currentTest?.state === 'failed') failed.push(this.currentTest.title);
  });

  after(async () => {
    if (tally.requests > 0) {
      const out = { run: new Date().toISOString(), seed: SEED, seconds: (Date.now() - started) / 1000, routes: routes?.length ?? 0, failed, categories, ...tally };
      mkdirSync(join(FUZZ_OUT, '..'), { recursive: true });
      writeFileSync(FUZZ_OUT, JSON.stringify(out, null, 2) + '\n');
      console.log(`      fuzz: ${tally.requests} requests in ${out.seconds.toFixed(0)} s, seed ${SEED}; statuses ${JSON.stringify(tally.byStatus)}; refused by node:http before the app: ${tally.parserRefusals}`);
    }
    server?.close();
    await s?.close();
  });

  // ---- generators -------------------------------------------------------

  const controlChars = fc.string({ unit: fc.integer({ min: 0, max: 0x9f }).filter((c) => c < 0x20 || c >= 0x7f).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 8 });
  const evilString = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    controlChars,
    fc.constantFrom('\u0000', '\ud800', '\udfff x', '\u202e evil', '\ufeff', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '../../etc/passwd', "' OR 1=1 --", '${jndi:x}', '<script>', '%00', 'null', 'NaN', ''),
    fc.constantFrom(100, 1000, 20_000, 200_000).map((n) => 'a'.repeat(n)),
  );
  const evilNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1e308, -1e308, 5e-324, 2 ** 53 + 1, 4294967297, 1.5));
  const evilKey = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''));
  const { value: evilValue } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      evilString,
      evilNumber,
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(evilKey, tie('value'), { maxKeys: 4 }),
    ),
  }));
  const nearValid = (props: readonly string[]) =>
    fc.record(Object.fromEntries(props.map((p) => [p, fc.oneof(evilValue, fc.constantFrom('atm-1', 'pin-reset', 'card:1', '12500.00', 'KHR', 'officer', 'x'), fc.integer({ min: 0, max: 1e10 }))])), { requiredKeys: [] });
  const nesting = fc.constantFrom(64, 1000, 5000, 100_000).map((n) => '['.repeat(n) + ']'.repeat(n));
  const bodyText = (props: readonly string[]): fc.Arbitrary<Buffer> =>
    fc.oneof(
      evilValue.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
      nearValid(props).map((o) => Buffer.from(JSON.stringify(o))),
      fc.tuple(fc.constantFrom(...(props.length > 0 ? props : ['k'])), evilValue, evilValue).map(([k, a, b]) => Buffer.from(`{"${k}":${JSON.stringify(a) ?? 1},"${k}":${JSON.stringify(b) ?? 2}}`)),
      nearValid(props).map((o) => Buffer.from(`{"__proto__":{"admin":true,"polluted":1},"constructor":{"prototype":{"x":1}}${Object.keys(o).length ? ',' + JSON.stringify(o).slice(1) : '}'}`)),
      nesting.map((t) => Buffer.from(t)),
      fc.constantFrom('{', '{"a":', '[1,2', 'nul', '1e99999', '-', '"\\ud800"', '{"a":1}garbage', '\ufeff{}', '{"a":"\\u0000"}', '9007199254740993', '').map((t) => Buffer.from(t)),
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
      fc.constant(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d])), // {"a":"<invalid UTF-8>"}
    );
  /** Percent-encoding of the UTF-8 bytes (a lone surrogate becomes U+FFFD, as a client would send it). */
  const pct = (x: string) => [...Buffer.from(x, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0').toUpperCase()}`)).join('');
  const segment = fc.oneof(
    fc.constantFrom('1', '62000001', '00000000-0000-4000-8000-000000000000', 'ch_AAAAAAAAAAAAAAAAAAAAAA', '012345678', 'atm-1'),
    fc.nat().map((n) => realIds[n % realIds.length]!),
    evilString.map((x) => pct(x.slice(0, 300))),
    fc.constantFrom('%zz', '%', '%e0%80%80', '%00', '%ff', '%2e%2e', '..', '%2F', '%%', '%c0%af', 'a'.repeat(3000), '%u0041', '%5c'),
  );
  const query = fc.oneof(
    fc.constant(''),
    fc.array(fc.tuple(fc.constantFrom('surname', 'limit', 'state', 'status', 'x', '__proto__', 'constructor'), segment), { maxLength: 4 }).map((q) => (q.length ? '?' + q.map(([k, v]) => `${k}=${v}`).join('&') : '')),
  );
  type Who = keyof typeof credentials | 'none' | 'garbage';
  const who = fc.constantFrom<Who>('none', 'rp', 'admin', 'officer', 'supervisor', 'auditor', 'garbage');
  const garbageAuth = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('Bearer', 'Bearer ', 'Basic YTpi', 'Bearer ck_x.y', `Bearer ${'A'.repeat(5000)}`, 'Bearer cas_', 'bearer cas_AAAA') }, { weight: 1, arbitrary: evilString.map((x) => `Bearer ${x.slice(0, 200)}`) });
  const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', 'application/ocsp-request', 'multipart/form-data; boundary=x', '', 'application/json; charset=latin1', '*/*');
  const extraHeaders = fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.tuple(fc.constant('x-request-id'), fc.constantFrom('abc', 'a'.repeat(100), 'ünï', '../x', 'req-1')) },
      fc.tuple(fc.constant('x-request-id'), fc.oneof(fc.constantFrom('abc', 'a'.repeat(100), 'ünï', '../x'), evilString.map((x) => x.slice(0, 80)))),
      fc.tuple(fc.constant('x-forwarded-for'), fc.constantFrom('1.2.3.4', 'garbage', '::1, 10.0.0.1', '999.999.1.1', '')),
      fc.tuple(fc.constant('accept'), fc.constantFrom('application/json', 'text/html', '*/*', 'application/problem+json')),
      fc.tuple(fc.constant('expect'), fc.constantFrom('100-continue', '100-continue', 'nonsense')),
    ),
    { maxLength: 3 },
  );

  /** Header values as a client could send them: printable, or with anything (node:http then refuses the request). */
  const asHeaderValue = (v: string) => v;

  function fill(template: string, segments: string[]): string {
    let i = 0;
    return template.replace(/\{[^}]+\}/g, () => segments[i++ % Math.max(1, segments.length)] ?? '1');
  }

  async function send(category: string, method: string, target: string, headers: Array<[string, string]>, body?: Buffer): Promise<void> {
    categories[category] = (categories[category] ?? 0) + 1;
    tally.requests++;
    let a: RawAnswer;
    try {
      a = await sendRaw(port, rawRequest(method, target, headers, body));
    } catch (err) {
      throw new Error(`${method} ${target.slice(0, 200)}: ${(err as Error).message}`);
    }
    tally.byStatus[a.status] = (tally.byStatus[a.status] ?? 0) + 1;
    const fromApp = a.headers['x-request-id'] !== undefined;
    if (!fromApp) {
      // node:http refused the request itself (bad request line, header, framing).
      assert.ok([400, 413, 414, 417, 431, 505].includes(a.status), `${method} ${target.slice(0, 120)}: ${a.status} without X-Request-Id`);
      tally.parserRefusals++;
      tally.parserRefusalStatuses[a.status] = (tally.parserRefusalStatuses[a.status] ?? 0) + 1;
      return;
    }
    const detail = `${method} ${target.slice(0, 160)} → ${a.status} ${a.body.toString('utf8').slice(0, 200)}`;
    assert.ok(a.status < 500 || a.status === 503, `no 5xx but the documented 503: ${detail}`);
    if (a.status >= 400) {
      assert.match(a.headers['content-type'] ?? '', /^application\/problem\+json/, `problem+json on every error: ${detail}`);
      if (method !== 'HEAD') {
        const p = JSON.parse(a.body.toString('utf8')) as { status: number; code: string; title: string };
        assert.equal(p.status, a.status, detail);
        assert.match(p.code, /^[a-z][a-z0-9_]*$/, detail);
      }
    }
  }

  function authHeader(w: Who, garbage: string, path: string): Array<[string, string]> {
    if (w === 'none') return [];
    if (w === 'garbage') return [['authorization', asHeaderValue(garbage)]];
    // A real session is never sent to logout: it would end the session the rest of the run uses.
    if (path.startsWith('/v1/staff/logout')) return [['authorization', 'Bearer cas_' + 'B'.repeat(43)]];
    return [['authorization', `Bearer ${credentials[w]}`]];
  }

  const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

  it('JSON bodies to every route that takes one (5,000 requests)', async () => {
    const withBody = routes.filter((r) => r.contentType === 'application/json');
    assert.ok(withBody.length >= 10);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...withBody).chain((route) => fc.tuple(fc.constant(route), bodyText(route.bodyProps))),
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        who,
        garbageAuth,
        fc.oneof(fc.constant('application/json'), contentType),
        fc.option(fc.constantFrom('chunked', 'short-length'), { nil: undefined }),
        fc.context(),
        async ([route, body], segs, w, garbage, ct, framing, ctx) => {
          const path = fill(route.template, segs);
          const headers: Array<[string, string]> = [...authHeader(w, garbage, path), ...(ct === '' ? [] : [['content-type', ct] as [string, string]])];
          let payload: Buffer | undefined = body;
          if (framing === 'chunked') {
            headers.push(['transfer-encoding', 'chunked']);
            payload = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
          } else if (framing === 'short-length' && body.length > 2) {
            headers.push(['content-length', String(Math.floor(body.length / 2))]);
          }
          ctx.log(`${route.method} ${path.slice(0, 100)} as ${w}, ${ct}, ${framing ?? 'plain'}, ${body.length} bytes`);
          await send('json bodies', route.method, path, headers, payload);
        },
      ),
      { seed: SEED, numRuns: runs(5000) },
    );
  });

  it('paths, queries, methods and headers of every route (4,000 requests)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        query,
        fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS, 'TRACE', 'FOO') }),
        who,
        garbageAuth,
        extraHeaders,
        fc.constantFrom('', '/', '//', '/.', '/%2e', '?', '#x'),
        async (route, segs, q, otherMethod, w, garbage, extra, suffix) => {
          const path = fill(route.template, segs) + suffix + q;
          const method = otherMethod ?? route.method;
          const headers: Array<[string, string]> = [...authHeader(w, garbage, path), ...extra];
          const body = method === 'GET' || method === 'HEAD' ? undefined : Buffer.from('{}');
          if (body) headers.push(['content-type', route.contentType ?? 'application/json']);
          await send('paths and headers', method, path, headers, body);
        },
      ),
      { seed: SEED + 1, numRuns: runs(4000) },
    );
  });

  it('mutated DER to /pki/ocsp, by POST and by GET (1,500 requests)', async () => {
    const mutated = fc.oneof(
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }).map((edits) => {
        const b = Buffer.from(ocspRequest);
        for (const [at, x] of edits) b[at % b.length] = (b[at % b.length]! ^ x) & 0xff;
        return b;
      }),
      fc.nat().map((n) => ocspRequest.subarray(0, n % ocspRequest.length)),
      fc.uint8Array({ minLength: 1, maxLength: 16 }).map((tail) => Buffer.concat([ocspRequest, tail])),
      fc.nat({ max: ocspRequest.length - 1 }).map((at) => {
        // a length byte made huge: the parser must not trust it
        const b = Buffer.from(ocspRequest);
        b[at] = 0x84;
        return b;
      }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.constant(Buffer.alloc(70_000, 0x30)),
    );
    await fc.assert(
      fc.asyncProperty(mutated, fc.constantFrom('post', 'get', 'get-raw'), async (der, how) => {
        if (how === 'post') await send('ocsp der', 'POST', '/pki/ocsp', [['content-type', 'application/ocsp-request']], der);
        else {
          const b64 = der.toString('base64');
          await send('ocsp der', 'GET', `/pki/ocsp/${how === 'get' ? pct(b64) : b64}`, []);
        }
      }),
      { seed: SEED + 2, numRuns: runs(1500) },
    );
  });

  it('sent at least 10,000 requests, and the service still answers', async () => {
    assert.ok(tally.requests >= 10_000 * Math.min(1, SCALE), `requests: ${tally.requests}`);
    const health = await sendRaw(port, rawRequest('GET', '/healthz', []));
    assert.equal(health.status, 200);
    const ocsp = await sendRaw(port, rawRequest('POST', '/pki/ocsp', [['content-type', 'application/ocsp-request']], ocspRequest));
    assert.equal(ocsp.status, 200, 'the unmutated OCSP request is still answered');
  });
});
