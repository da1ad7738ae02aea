// `cardauth serve` as an operator runs it: a real process, the embedded
// default (PGlite, in-process store, CA created on first start), a restart on
// the same data directory, and two workers sharing PostgreSQL and Redis; a
// result-key rotation by the CLI beside the running service shows in its JWKS
// without a restart.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { cardauth, startService, type RunningService } from '../support/run-bin.js';


const serve = (env: Record<string, string>): Promise<RunningService> => startService(env);
const cli = (args: string[], env: Record<string, string>, stdin: string) => cardauth(args, env, stdin);

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const r = await fetch(url);
  return { status: r.status, body: await r.json() };
}

describe('cardauth serve (real process)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardauth-serve-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts from an empty data directory, publishes the CA, and keeps it across a restart', async () => {
    const env = { CARDAUTH_DATA_DIR: dir, CARDAUTH_KEY_PASSPHRASE: '', CARDAUTH_KEY_PASSPHRASE_FILE: '' };
    const first = await serve(env);
    let rootDer: Buffer;
    try {
      assert.deepEqual((await getJson(`${first.url}/readyz`)).body.checks, { registry: true, store: true, ocspResponder: true });
      const doc = (await getJson(`${first.url}/openapi.json`)).body;
      for (const p of ['/pki/ocsp', '/v1/auth/challenges', '/.well-known/jwks.json', '/v1/staff/login', '/v1/issuance/citizens']) assert.ok(doc.paths[p], p);
      rootDer = Buffer.from(await (await fetch(`${first.url}/pki/root.crt`)).arrayBuffer());
      assert.equal(rootDer[0], 0x30);
      const jwks = (await getJson(`${first.url}/.well-known/jwks.json`)).body;
      assert.equal(jwks.keys[0].alg, 'ES256');
      // The generated passphrase is private to the service account.
      assert.equal(statSync(join(dir, 'secrets', 'key-passphrase')).mode & 0o077, 0);
    } finally {
      assert.equal(await first.stop(), 0);
    }
    assert.doesNotMatch(first.stderr(), /"level":"error"/);

    const second = await serve(env);
    try {
      const again = Buffer.from(await (await fetch(`${second.url}/pki/root.crt`)).arrayBuffer());
      assert.deepEqual(again, rootDer, 'the same CA after a restart');
      assert.doesNotMatch(second.stderr(), /certificate authority created/);
    } finally {
      await second.stop();
    }
  });

  it('the first admin is created from the CLI, signs in over HTTP and enrols a citizen; the registry refuses a second process', async () => {
    const env = { CARDAUTH_DATA_DIR: dir, CARDAUTH_KEY_PASSPHRASE: '', CARDAUTH_KEY_PASSPHRASE_FILE: '' };
    const password = 'correct horse battery staple';
    const add = await cli(['staff', 'add', '--username', 'admin', '--role', 'admin', '--display-name', 'First Admin'], env, `${password}\n`);
    assert.equal(add.code, 0, add.stderr);
    const s = await serve(env);
    try {
      // PGlite is one process's database: a CLI command now is refused, clearly.
      const second = await cli(['db', 'migrate'], env, '');
      assert.notEqual(second.code, 0);
      assert.match(second.stderr, /registry_in_use|open in another process/);

      const post = (path: string, body: unknown, token?: string) =>
        fetch(`${s.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(body),
        });
      const wrong = await post('/v1/staff/login', { username: 'admin', password: 'not the password' });
      assert.equal(wrong.status, 401);
      const login = await post('/v1/staff/login', { username: 'admin', password });
      assert.equal(login.status, 200);
      const { token } = (await login.json()) as { token: string };
      const me = await fetch(`${s.url}/v1/staff/me`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(((await me.json()) as { username: string }).username, 'admin');
      const citizen = { nationalId: '010203040', surname: 'Sok', givenName: 'Dara', birthDate: '1990-04-17' };
      // Enrolment is an officer's work, not an admin's.
      assert.equal((await post('/v1/issuance/citizens', citizen, token)).status, 403);
      const officerPassword = 'officer password for the test';
      const added = await post('/v1/staff/accounts', { username: 'officer1', displayName: 'Officer One', role: 'officer', password: officerPassword }, token);
      assert.equal(added.status, 201, await added.clone().text());
      const officer = ((await (await post('/v1/staff/login', { username: 'officer1', password: officerPassword })).json()) as { token: string }).token;
      const enrol = await post('/v1/issuance/citizens', citizen, officer);
      assert.equal(enrol.status, 201, await enrol.clone().text());
      const dup = await post('/v1/issuance/citizens', citizen, officer);
      assert.equal(dup.status, 409);
      assert.match(dup.headers.get('content-type') ?? '', /problem\+json/);
    } finally {
      await s.stop();
    }
    assert.ok(!s.stderr().includes(password) && !s.stderr().includes('officer password'), 'no password in any log line');
    const audit = await cli(['audit', 'verify'], env, '');
    assert.equal(audit.code, 0, audit.stdout + audit.stderr);
  });

  it('cardauth ca rotate-result-key beside a running service: its JWKS has the new and the previous key, no restart', async () => {
    const env = { CARDAUTH_DATA_DIR: dir, CARDAUTH_KEY_PASSPHRASE: '', CARDAUTH_KEY_PASSPHRASE_FILE: '' };
    const s = await serve(env);
    try {
      const before = (await getJson(`${s.url}/.well-known/jwks.json`)).body.keys.map((k: { kid: string }) => k.kid);
      assert.equal(before.length, 1);
      // Needs only the data directory and the key store: not the registry
      // that the service holds (PGlite is one process's).
      const rotated = await cli(['ca', 'rotate-result-key', '--overlap-days', '3'], env, '');
      assert.equal(rotated.code, 0, rotated.stderr);
      const newKid = /new kid (\S+)/.exec(rotated.stdout)?.[1];
      assert.ok(newKid, rotated.stdout);
      const r = await fetch(`${s.url}/.well-known/jwks.json`);
      assert.match(r.headers.get('cache-control') ?? '', /^public, max-age=\d+$/);
      const after = ((await r.json()) as { keys: Array<{ kid: string; alg: string }> }).keys;
      assert.deepEqual(after.map((k) => k.kid), [newKid, before[0]]);
      assert.ok(after.every((k) => k.alg === 'ES256'));
      // The service's own timer takes the new key for signing within a second or so.
      const deadline = Date.now() + 15_000;
      while (!/result-signing keys changed/.test(s.stderr()) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
      assert.match(s.stderr(), new RegExp(`result-signing keys changed.*${newKid}`));
    } finally {
      assert.equal(await s.stop(), 0);
    }
    assert.doesNotMatch(s.stderr(), /"level":"(error|warn)".*result-key/);
  });

  it('a stop sent the moment it says it is listening is graceful (exit 0), not the default action of SIGTERM', async () => {
    const s = await serve({ CARDAUTH_DATA_DIR: dir });
    assert.equal(await s.stop(), 0, s.stderr());
  });

  it('refuses several workers without Redis', async () => {
    await assert.rejects(serve({ CARDAUTH_DATA_DIR: dir, CARDAUTH_WORKERS: '2' }), /needs REDIS_URL/);
  });

  describe('two workers on PostgreSQL and Redis', () => {
    let pg: TestPostgres;
    let redis: TestRedis;
    before(async () => {
      [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
    });
    after(async () => {
      await Promise.all([pg?.stop(), redis?.stop()]);
    });

    it('the metrics listener serves the sum of both workers, and the public port does not serve /metrics', async () => {
      const metricsPort = await freePort();
      const s = await serve({ CARDAUTH_DATA_DIR: dir, CARDAUTH_WORKERS: '2', DATABASE_URL: pg.url, REDIS_URL: redis.url, CARDAUTH_PORT: String(await freePort()), CARDAUTH_METRICS_PORT: String(metricsPort) });
      try {
        // Fresh connections, so both workers get some of them.
        const answers = await Promise.all(Array.from({ length: 40 }, () => fetch(`${s.url}/healthz`, { headers: { Connection: 'close' } }).then((r) => r.status)));
        assert.deepEqual(new Set(answers), new Set([200]));
        assert.equal((await fetch(`${s.url}/metrics`)).status, 404);
        const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        const served = /^cardauth_http_requests_total\{operation="getHealth",status="200"\} (\d+)$/m.exec(text);
        assert.equal(served?.[1], '40', text.slice(0, 2000));
        assert.match(text, /^process_resident_memory_bytes \d+/m);
        // The CA's dates once, not summed over the workers: a date within the next ten years.
        const notAfter = Number(/^cardauth_ca_ocsp_responder_not_after_seconds (\d+)$/m.exec(text)?.[1]);
        assert.ok(notAfter > Date.now() / 1000 && notAfter < Date.now() / 1000 + 10 * 366 * 86400, String(notAfter));
        const ready = await getJson(`${s.url}/readyz`);
        assert.equal(ready.body.checks.ocspResponder, true);
        assert.equal(new Date(ready.body.details.ocspResponder.notAfter).getTime() / 1000, notAfter);
      } finally {
        assert.equal(await s.stop(), 0);
      }
    });

    it('serves from both processes', async () => {
      const s = await serve({ CARDAUTH_DATA_DIR: dir, CARDAUTH_WORKERS: '2', DATABASE_URL: pg.url, REDIS_URL: redis.url, CARDAUTH_PORT: String(await freePort()) });
      try {
        const { execFileSync } = await import('node:child_process');
        // Node children only: tsx's esbuild service (or a transient esbuild
        // spawned for a synchronous transform) is a child of the primary too,
        // and counting it made this check fail now and then.
        const children = execFileSync('ps', ['--ppid', String(s.child.pid), '-o', 'pid=,comm='], { encoding: 'utf8' }).trim();
        const workers = children.split('\n').filter((line) => line.trim().split(/\s+/)[1] === 'node');
        assert.equal(workers.length, 2, `two worker processes among the primary's children:\n${children}`);
        const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(`${s.url}/readyz`).then((r) => r.status)));
        assert.deepEqual(new Set(answers), new Set([200]));
        assert.equal((await getJson(`${s.url}/.well-known/jwks.json`)).body.keys.length, 1);
        // A rotation reaches every worker sharing the data directory.
        const rotated = await cli(['ca', 'rotate-result-key'], { CARDAUTH_DATA_DIR: dir }, '');
        assert.equal(rotated.code, 0, rotated.stderr);
        const newKid = /new kid (\S+)/.exec(rotated.stdout)?.[1];
        const sets = await Promise.all(Array.from({ length: 20 }, () => getJson(`${s.url}/.well-known/jwks.json`).then((r) => r.body.keys.map((k: { kid: string }) => k.kid))));
        for (const kids of sets) {
          assert.equal(kids.length, 2);
          assert.equal(kids[0], newKid);
        }
      } finally {
        assert.equal(await s.stop(), 0);
      }
    });
  });
});

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  srv.close();
  return port;
}
