// The embedded default from end to end with no card reader at all, as the
// README's walkthrough gives it: the real `cardauth` and `firmware-sim`
// binaries in child processes, the registry in PGlite in the data directory,
// the in-process store, the key passphrase file the first start creates, and
// a firmware-sim card file driven in each command's own process
// (--sim-card). PGlite serves one process at a time, so the station commands
// run while the service is stopped, as the README says.
//   serve (initialises) → staff add/login → staff add officer → firmware-sim
//   manufacture → stock receive → enrol → issue (PIN on stdin) → rp add →
//   serve → POST challenge (25,000.00 KHR) → terminal --sim-card (PIN on
//   stdin) → the result verified with jose from the JWKS.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { CARDAUTH_BIN as CARDAUTH, FIRMWARE_SIM_BIN as FIRMWARE_SIM, runBin as run, startService as serve, type Ran, type RunningService } from '../support/run-bin.js';
const ADMIN_PASSWORD = 'walkthrough first pass phrase 1';
const OFFICER_PASSWORD = 'walkthrough officer pass phrase 2';
const CITIZEN_PIN = '480913';


describe('e2e embedded default without a reader: stock, issue and terminal on a firmware-sim card file', function () {
  this.timeout(300_000);
  let dir: string;
  let service: RunningService | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardauth-walkthrough-'));
  });
  after(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a citizen card made and used with no pcscd: the RP verifies the result offline', async () => {
    const env: NodeJS.ProcessEnv = {
      CARDAUTH_DATA_DIR: join(dir, 'data'),
      CARDAUTH_HOST: '127.0.0.1',
      CARDAUTH_PORT: '0',
      CARDAUTH_LOG_LEVEL: 'warn',
      // The embedded default: no PostgreSQL, no Redis, the passphrase file of the data directory.
      DATABASE_URL: '',
      REDIS_URL: '',
      CARDAUTH_WORKERS: '',
      CARDAUTH_KEY_PASSPHRASE: '',
      CARDAUTH_KEY_PASSPHRASE_FILE: '',
      CARDAUTH_STAFF_TOKEN: '',
      CARDAUTH_STAFF_USER: '',
      CARDAUTH_STAFF_PASSWORD_FILE: '',
      CARDAUTH_RP_KEY: '',
    };
    const ok = (what: string, r: Ran) => assert.equal(r.code, 0, `${what}: ${r.stdout}${r.stderr}`);

    // The first start initialises the data directory (registry, CA, pepper, passphrase file).
    service = await serve(env);
    assert.equal(await service.stop(), 0);
    service = undefined;

    ok('staff add admin', await run(CARDAUTH, ['staff', 'add', '--username', 'admin', '--role', 'admin', '--display-name', 'First Admin'], env, `${ADMIN_PASSWORD}\n`));
    const login = await run(CARDAUTH, ['staff', 'login', '--username', 'admin'], env, `${ADMIN_PASSWORD}\n`);
    ok('staff login', login);
    const adminToken = login.stdout.trim();
    ok('staff add officer', await run(CARDAUTH, ['staff', 'add', '--username', 'olivia', '--role', 'officer', '--display-name', 'Olivia Officer'], { ...env, CARDAUTH_STAFF_TOKEN: adminToken }, `${OFFICER_PASSWORD}\n`));

    // A blank card from the (simulated) manufacturer, and its attestation root for the station.
    const cardFile = join(dir, 'card.json');
    const factoryDir = join(dir, 'factory');
    const serial = 62_000_000 + Math.floor(Math.random() * 1_000_000);
    ok('firmware-sim manufacture', await run(FIRMWARE_SIM, ['manufacture', '--serial', String(serial), '--out', cardFile, '--factory-dir', factoryDir], env));
    const root = await run(FIRMWARE_SIM, ['factory-root', '--factory-dir', factoryDir], env);
    ok('firmware-sim factory-root', root);
    writeFileSync(join(dir, 'factory-root.pem'), root.stdout);
    writeFileSync(join(dir, 'olivia.pw'), `${OFFICER_PASSWORD}\n`, { mode: 0o600 });
    const officer = { ...env, CARDAUTH_STAFF_USER: 'olivia', CARDAUTH_STAFF_PASSWORD_FILE: join(dir, 'olivia.pw'), CARDAUTH_MANUFACTURER_ROOTS: join(dir, 'factory-root.pem') };
    // The officer's own session from `cardauth staff login` serves the station commands too, with no Redis.
    const officerLogin = await run(CARDAUTH, ['staff', 'login', '--username', 'olivia'], env, `${OFFICER_PASSWORD}\n`);
    ok('staff login (officer)', officerLogin);
    const officerSession = { ...env, CARDAUTH_STAFF_TOKEN: officerLogin.stdout.trim(), CARDAUTH_MANUFACTURER_ROOTS: join(dir, 'factory-root.pem') };

    const stocked = await run(CARDAUTH, ['stock', 'receive', '--sim-card', cardFile], officerSession);
    ok('stock receive', stocked);
    assert.match(stocked.stdout, new RegExp(`card ${serial} received into stock .*F9 attestation certificate recorded`));
    ok('enrol', await run(CARDAUTH, ['enrol', '--national-id', 'WALK00001', '--surname', 'Chan', '--given-name', 'Sreymom', '--birth-date', '1993-06-15'], officer));
    const issued = await run(CARDAUTH, ['issue', '--sim-card', cardFile, '--national-id', 'WALK00001'], officer, `${CITIZEN_PIN}\n`);
    ok('issue', issued);
    assert.match(issued.stdout, new RegExp(`card ${serial} active`));
    assert.doesNotMatch(issued.stdout + issued.stderr, new RegExp(CITIZEN_PIN));

    // Relying parties are admin staff's: no sign-in, or an officer, is refused before anything is written.
    const rpArgs = ['rp', 'add', '--name', 'Walkthrough Bank', '--terminal', 'kiosk-1'];
    const anonymous = await run(CARDAUTH, rpArgs, env);
    assert.equal(anonymous.code, 2, anonymous.stderr);
    assert.match(anonymous.stderr, /staff_credentials_missing/);
    const byOfficer = await run(CARDAUTH, rpArgs, officer);
    assert.equal(byOfficer.code, 1, byOfficer.stderr);
    assert.match(byOfficer.stderr, /staff_forbidden/);
    const rp = await run(CARDAUTH, rpArgs, { ...env, CARDAUTH_STAFF_TOKEN: adminToken });
    ok('rp add', rp);
    assert.doesNotMatch(anonymous.stdout + byOfficer.stdout, /secret/);
    const rpToken = /Authorization: Bearer (\S+)$/m.exec(rp.stdout)![1]!;
    const rpId = /^rp (rp_\S+)/m.exec(rp.stdout)![1]!;
    const audit = await run(CARDAUTH, ['audit', 'list', '--subject', `rp:${rpId}`], env);
    ok('audit list', audit);
    assert.match(audit.stdout, /\tstaff:[0-9a-f-]+\trp\.register\t/, 'registered by the admin staff member');

    // The service again; the RP asks for a challenge and the terminal completes it on the card file.
    service = await serve(env);
    const created = await fetch(`${service.url}/v1/auth/challenges`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rpToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ terminalId: 'kiosk-1', transaction: { amount: '25000.00', currency: 'KHR', payee: 'Commune Hall Fees', reference: 'WALK-1' } }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const { id } = (await created.json()) as { id: string };
    const term = await run(CARDAUTH, ['terminal', '--sim-card', cardFile, '--server', service.url, '--challenge', id, '--terminal-id', 'kiosk-1'], { ...env, CARDAUTH_RP_KEY: rpToken }, `${CITIZEN_PIN}\n`);
    ok('terminal', term);
    assert.match(term.stdout, /25,000\.00 KHR/);
    const jws = /^result: (\S+)$/m.exec(term.stdout)![1]!;
    const { payload } = await jwtVerify(jws, createRemoteJWKSet(new URL(`${service.url}/.well-known/jwks.json`)), { audience: rpId });
    assert.equal(payload['jti'], id);
    assert.equal(payload['pinVerified'], 'on-card');
    assert.equal(payload['card_serial'], String(serial));
    assert.equal(await service.stop(), 0);
    service = undefined;
  });
});
