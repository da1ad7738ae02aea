// Acceptance of thin stations on the real stack: PostgreSQL, Redis, the
// service (`cardauth serve`), a station agent process (`cardauth station
// run`) at a vpcd reader of the machine's pcscd, and a firmware-sim card in
// that reader (`firmware-sim run`). An officer takes the card into stock and
// personalises it at the station over HTTP: the engine runs in the service,
// the citizen's PIN is typed at the station (its standard input) and the PUK
// is printed there. Then a bank asks for a challenge, `cardauth terminal`
// completes it at the same reader, and the JWS verifies with jose.
// Runs under `flock /tmp/cardauth-pcscd.lock` (fixed vpcd ports).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { factoryRootPem, manufactureCard } from '../../firmware-sim/index.js';
import { acquireReader, startSimCard, waitFor, type ReaderLease, type SimCardProcess } from '../support/pcsc.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { CARDAUTH_BIN, REPO, cardauth, startService, type RunningService } from '../support/run-bin.js';

const PW = 'station acceptance pass phrase 1';
const CITIZEN_PIN = '730418';

describe('e2e acceptance (thin station): PostgreSQL, Redis, service, station agent at a pcscd reader, jose', function () {
  this.timeout(300_000);
  let dir: string;
  let pg: TestPostgres;
  let redis: TestRedis;
  let service: RunningService;
  let lease: ReaderLease;
  let sim: SimCardProcess;
  let agent: ChildProcess | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cardauth-station-pcsc-'));
    pg = await startPostgres();
    redis = await startRedis();
  });
  after(async () => {
    if (agent && agent.exitCode === null) {
      agent.kill('SIGTERM');
      await new Promise((r) => agent!.once('exit', r));
    }
    await sim?.stop().catch(() => undefined);
    await lease?.release();
    await service?.stop();
    await redis?.stop();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an officer personalises a card at the station (PIN typed there, engine in the service); a bank authenticates with it', async () => {
    const serial = 64_000_000 + Math.floor(Math.random() * 1_000_000);
    const cardFile = join(dir, 'card.json');
    await manufactureCard({ serial, out: cardFile, factoryDir: join(dir, 'factory') });
    writeFileSync(join(dir, 'factory-root.pem'), await factoryRootPem(join(dir, 'factory')));
    const env: NodeJS.ProcessEnv = {
      CARDAUTH_DATA_DIR: join(dir, 'data'),
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      CARDAUTH_KEY_PASSPHRASE: 'station acceptance passphrase',
      CARDAUTH_KEY_PASSPHRASE_FILE: '',
      CARDAUTH_MANUFACTURER_ROOTS: join(dir, 'factory-root.pem'),
      CARDAUTH_LOG_LEVEL: 'info',
      CARDAUTH_STAFF_TOKEN: '',
      CARDAUTH_STAFF_USER: '',
      CARDAUTH_SERVER: '',
      CARDAUTH_STATION_KEY: '',
    };
    service = await startService(env);
    const url = service.url;
    const admin = await cardauth(['staff', 'add', '--username', 'admin', '--role', 'admin', '--display-name', 'Admin'], env, `${PW}\n`);
    assert.equal(admin.code, 0, admin.stderr);
    const api = async (method: string, path: string, token: string | undefined, body?: unknown) => {
      const r = await fetch(`${url}${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const adminToken = (await api('POST', '/v1/staff/login', undefined, { username: 'admin', password: PW })).body['token'] as string;
    assert.equal((await api('POST', '/v1/staff/accounts', adminToken, { username: 'olivia', role: 'officer', displayName: 'Olivia', password: PW })).status, 201);
    const officerToken = (await api('POST', '/v1/staff/login', undefined, { username: 'olivia', password: PW })).body['token'] as string;
    const station = await api('POST', '/v1/stations', adminToken, { name: 'Province office desk 3' });
    assert.equal(station.status, 201);
    const stationId = station.body['id'] as string;

    const mark = (what: string) => process.env['STATION_E2E_TRACE'] && process.stderr.write(`${new Date().toISOString()} ${what}\n`);
    mark('service up');
    lease = await acquireReader();
    mark('reader');
    sim = await startSimCard({ cardFile, port: lease.port });
    // The station agent: its key, the server, a reader; the citizen's PIN on its standard input.
    agent = spawn(process.execPath, [CARDAUTH_BIN, 'station', 'run', '--server', url, '--reader', lease.readerName], {
      env: { PATH: process.env.PATH ?? '', CARDAUTH_STATION_KEY: station.body['key'] as string },
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    agent.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    agent.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    agent.stdin!.write(`${CITIZEN_PIN}\n`);
    mark('agent spawned');
    await waitFor(() => /connected to/.test(out), { timeoutMs: 60_000, what: `the station agent to connect (${err})` });
    await waitFor(async () => {
      const s = (await api('GET', '/v1/stations', officerToken)).body['stations'] as { id: string; readers: { name: string; cardPresent: boolean; cardSerial?: number }[] }[];
      return s.find((x) => x.id === stationId)?.readers.find((r) => r.name === lease.readerName && r.cardSerial === serial) !== undefined;
    }, { timeoutMs: 30_000, what: 'the station to report the card' });

    mark('card reported');
    const finish = async (r: { status: number; body: Record<string, unknown> }) => {
      assert.equal(r.status, 202, JSON.stringify(r.body));
      let job: Record<string, unknown> = {};
      await waitFor(async () => {
        job = (await api('GET', `/v1/issuance/jobs/${String(r.body['jobId'])}`, officerToken)).body;
        return job['status'] !== 'running';
      }, { timeoutMs: 240_000, intervalMs: 250, what: 'the job' });
      return job;
    };
    assert.equal((await finish(await api('POST', '/v1/issuance/stock', officerToken, { stationId, reader: lease.readerName })))['status'], 'completed');
    assert.equal((await api('POST', '/v1/issuance/citizens', officerToken, { nationalId: 'KH0730418', surname: 'Chan', givenName: 'Sreymom', birthDate: '1988-07-30' })).status, 201);
    mark('stocked');
    const job = await finish(await api('POST', '/v1/issuance/personalisations', officerToken, { stationId, reader: lease.readerName, nationalId: 'KH0730418' }));
    assert.equal(job['status'], 'completed', JSON.stringify(job) + err);
    assert.deepEqual(job['station'], { id: stationId, name: 'Province office desk 3' });
    assert.match(out, /PUK for the citizen \(shown once, not stored\): \d{8}/);
    const card = await api('GET', `/v1/issuance/cards/${serial}`, officerToken);
    assert.equal(card.body['status'], 'active');

    mark('personalised');
    // The bank: registered by an admin; a challenge; the terminal at the same reader.
    writeFileSync(join(dir, 'admin.pw'), `${PW}\n`);
    const rp = await cardauth(['rp', 'add', '--name', 'Acceptance Bank', '--terminal', 'branch-12'], { ...env, CARDAUTH_STAFF_USER: 'admin', CARDAUTH_STAFF_PASSWORD_FILE: join(dir, 'admin.pw') });
    assert.equal(rp.code, 0, rp.stderr);
    const rpKey = /Authorization: Bearer (\S+)$/m.exec(rp.stdout)![1]!;
    const rpId = /^rp (rp_\S+)/m.exec(rp.stdout)![1]!;
    mark(`rp added ${rp.code}`);
    const ch = await api('POST', '/v1/auth/challenges', rpKey, { terminalId: 'branch-12', transaction: { amount: '25000.00', currency: 'KHR', payee: 'Electricité du Cambodge' } });
    assert.equal(ch.status, 201, JSON.stringify(ch.body));
    const term = await cardauth(['terminal', '--reader', lease.readerName, '--server', url, '--challenge', String(ch.body['id']), '--terminal-id', 'branch-12', '--card-timeout', '30'], { CARDAUTH_RP_KEY: rpKey }, `${CITIZEN_PIN}\n`);
    mark(`terminal ${term.code}`);
    assert.equal(term.code, 0, term.stdout + term.stderr);
    const jws = /^result: (\S+)$/m.exec(term.stdout)![1]!;
    const jwks = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(jws, createLocalJWKSet(jwks), { audience: rpId, algorithms: ['ES256'] });
    assert.equal(payload['card_serial'], String(serial));
    assert.equal(payload['pinVerified'], 'on-card');
    assert.ok(!service.stderr().includes(CITIZEN_PIN), 'the PIN is not in the service log');

    mark('verified');
    agent.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => agent!.once('exit', (c) => r(c)));
    assert.equal(code, 0, err);
  });
});
