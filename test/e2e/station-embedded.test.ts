// The embedded default with a thin station and no card reader, as the
// README's walkthrough gives it, never stopping the service: the real
// `cardauth` and `firmware-sim` binaries as child processes, the registry in
// PGlite owned by the service, a firmware-sim card file at the station
// (--sim-card). The station's commands run with an environment holding
// nothing but the server URL, the station key and the officer's session, in
// an empty working directory that stays empty: no data directory, key
// store, master secret or database at the station.
//   ca init, first admin, rp add (bootstrap, before the service) → serve →
//   officer (HTTP) → station add --server → stock receive --server →
//   enrol (HTTP) → issue --server (PIN typed at the station) → challenge →
//   terminal --sim-card → the result verified with jose from the JWKS.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { CARDAUTH_BIN as CARDAUTH, FIRMWARE_SIM_BIN as FIRMWARE_SIM, runBin as run, startService as serve, type Ran, type RunningService } from '../support/run-bin.js';

const ADMIN_PASSWORD = 'station walkthrough pass phrase 1';
const OFFICER_PASSWORD = 'station walkthrough pass phrase 2';
const CITIZEN_PIN = '480913';

/** `cardauth <args>` with exactly `env` as its environment (nothing inherited), in `cwd`. */
function bare(args: readonly string[], env: Record<string, string>, cwd: string, stdin = ''): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CARDAUTH, ...args], { env, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('exit', (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('e2e embedded default with a thin station: stock and issue at the station while the service runs', function () {
  this.timeout(300_000);
  let dir: string;
  let service: RunningService | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardauth-station-walk-'));
  });
  after(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an officer personalises a card at the station, the engine in the service; a bank authenticates with it and verifies the JWS with jose', async () => {
    const env: NodeJS.ProcessEnv = {
      CARDAUTH_DATA_DIR: join(dir, 'data'),
      CARDAUTH_HOST: '127.0.0.1',
      CARDAUTH_PORT: '0',
      CARDAUTH_LOG_LEVEL: 'info',
      DATABASE_URL: '',
      REDIS_URL: '',
      CARDAUTH_WORKERS: '',
      CARDAUTH_KEY_PASSPHRASE: '',
      CARDAUTH_KEY_PASSPHRASE_FILE: '',
      CARDAUTH_STAFF_TOKEN: '',
      CARDAUTH_STAFF_USER: '',
      CARDAUTH_STAFF_PASSWORD_FILE: '',
      CARDAUTH_RP_KEY: '',
      CARDAUTH_SERVER: '',
      CARDAUTH_STATION_KEY: '',
    };
    const ok = (what: string, r: Ran) => assert.equal(r.code, 0, `${what}: ${r.stdout}${r.stderr}`);

    // The manufacturer's card and root (the service trusts the root).
    const cardFile = join(dir, 'card.json');
    const factoryDir = join(dir, 'factory');
    const serial = 63_000_000 + Math.floor(Math.random() * 1_000_000);
    ok('firmware-sim manufacture', await run(FIRMWARE_SIM, ['manufacture', '--serial', String(serial), '--out', cardFile, '--factory-dir', factoryDir], env));
    const root = await run(FIRMWARE_SIM, ['factory-root', '--factory-dir', factoryDir], env);
    writeFileSync(join(dir, 'factory-root.pem'), root.stdout);
    const serviceEnv = { ...env, CARDAUTH_MANUFACTURER_ROOTS: join(dir, 'factory-root.pem') };

    // Bootstrap, once, before the service: the CA, the first admin, the bank.
    ok('ca init', await run(CARDAUTH, ['ca', 'init'], serviceEnv));
    ok('staff add admin', await run(CARDAUTH, ['staff', 'add', '--username', 'admin', '--role', 'admin', '--display-name', 'First Admin'], serviceEnv, `${ADMIN_PASSWORD}\n`));
    writeFileSync(join(dir, 'admin.pw'), `${ADMIN_PASSWORD}\n`, { mode: 0o600 });
    const rp = await run(CARDAUTH, ['rp', 'add', '--name', 'Walkthrough Bank', '--terminal', 'kiosk-1'], { ...serviceEnv, CARDAUTH_STAFF_USER: 'admin', CARDAUTH_STAFF_PASSWORD_FILE: join(dir, 'admin.pw') });
    ok('rp add', rp);
    const rpToken = /Authorization: Bearer (\S+)$/m.exec(rp.stdout)![1]!;
    const rpId = /^rp (rp_\S+)/m.exec(rp.stdout)![1]!;

    // From here on the service runs and is never stopped.
    service = await serve(serviceEnv);
    const url = service.url;
    const login = async (username: string, password: string): Promise<string> => {
      const r = await fetch(`${url}/v1/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      assert.equal(r.status, 200);
      return ((await r.json()) as { token: string }).token;
    };
    const adminToken = await login('admin', ADMIN_PASSWORD);
    const added = await fetch(`${url}/v1/staff/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'olivia', role: 'officer', displayName: 'Olivia Officer', password: OFFICER_PASSWORD }),
    });
    assert.equal(added.status, 201, await added.clone().text());
    const officerToken = await login('olivia', OFFICER_PASSWORD);

    const station = await bare(['station', 'add', '--name', 'Commune hall desk 1', '--server', url], { PATH: process.env.PATH ?? '', CARDAUTH_STAFF_TOKEN: adminToken }, dir);
    ok('station add', station);
    const stationKey = /^key .*: (stn_\S+)$/m.exec(station.stdout)![1]!;

    // The station: an empty directory, and nothing but the server URL and the two credentials.
    const desk = join(dir, 'desk');
    mkdirSync(desk);
    const stationEnv = { CARDAUTH_SERVER: url, CARDAUTH_STATION_KEY: stationKey, CARDAUTH_STAFF_TOKEN: officerToken };
    const stocked = await bare(['stock', 'receive', '--sim-card', cardFile], stationEnv, desk);
    ok('stock receive', stocked);
    assert.match(stocked.stdout, new RegExp(`card ${serial} received into stock`));
    const enrolled = await fetch(`${url}/v1/issuance/citizens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${officerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ nationalId: 'WALK00002', surname: 'Chan', givenName: 'Sreymom', birthDate: '1993-06-15' }),
    });
    assert.equal(enrolled.status, 201);
    const issued = await bare(['issue', '--sim-card', cardFile, '--national-id', 'WALK00002'], stationEnv, desk, `${CITIZEN_PIN}\n`);
    ok('issue', issued);
    assert.match(issued.stdout, new RegExp(`card ${serial} active`));
    assert.match(issued.stdout, /PUK for the citizen \(shown once, not stored\): \d{8}/);
    assert.match(issued.stderr, /\[10\/10\] done/);
    assert.deepEqual(readdirSync(desk), [], 'the station wrote nothing: no data directory');

    // The bank asks for a challenge; the terminal completes it on the card.
    const created = await fetch(`${url}/v1/auth/challenges`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rpToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ terminalId: 'kiosk-1', transaction: { amount: '25000.00', currency: 'KHR', payee: 'Commune Hall Fees', reference: 'WALK-2' } }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const { id } = (await created.json()) as { id: string };
    const term = await bare(['terminal', '--sim-card', cardFile, '--server', url, '--challenge', id, '--terminal-id', 'kiosk-1'], { PATH: process.env.PATH ?? '', CARDAUTH_RP_KEY: rpToken }, desk, `${CITIZEN_PIN}\n`);
    ok('terminal', term);
    const jws = /^result: (\S+)$/m.exec(term.stdout)![1]!;
    const { payload } = await jwtVerify(jws, createRemoteJWKSet(new URL(`${url}/.well-known/jwks.json`)), { audience: rpId });
    assert.equal(payload['jti'], id);
    assert.equal(payload['pinVerified'], 'on-card');
    assert.equal(payload['card_serial'], String(serial));
    const puk = /: (\d{8})$/m.exec(issued.stdout)![1]!;
    assert.ok(!service.stderr().includes(CITIZEN_PIN) && !service.stderr().includes(puk), 'no PIN or PUK in the service log');
    assert.equal(await service.stop(), 0);
    service = undefined;
  });
});
