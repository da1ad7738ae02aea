// The station CLI end to end, as an officer would use it: the real `cardauth`
// binary in child processes, the embedded registry (PGlite in the data
// directory), the file key store and sealed master secret, staff signed in
// with a password file, a firmware-sim card in a vpcd reader behind pcscd,
// the citizen's PIN on standard input.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyStore, initCa } from '../../pki/index.js';
import { VirtualCard, factoryRootPem, manufactureCard } from '../../firmware-sim/index.js';
import { openInProcessChannel } from '../../src/card/in-process.js';
import { migrate } from '../../src/registry/migrate.js';
import { openDatabase } from '../../src/registry/open-database.js';
import { receiveStock } from '../../src/registry/repos/card-stock.js';
import { addStaff, login, staffDeps } from '../../src/staff/index.js';
import { MemoryStore } from '../../src/store/memory.js';
import { systemClock } from '../../src/util/clock.js';
import { acquireReader, startSimCard, type ReaderLease, type SimCardProcess } from '../support/pcsc.js';
import { attestationCertOf } from '../issuance/support/fixture.js';
import { cardauth } from '../support/run-bin.js';

const PASSPHRASE = 'cli e2e key store passphrase';

describe('e2e issuance CLI: enrol, issue over PC/SC, card show/revoke', function () {
  this.timeout(300_000);
  let dir: string;
  let lease: ReaderLease;
  let sim: SimCardProcess;
  let env: NodeJS.ProcessEnv;
  let serial: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cardauth-cli-e2e-'));
    const keyStore = FileKeyStore.open(join(dir, 'keys'), PASSPHRASE);
    await initCa({ dataDir: dir, keyStore, config: { country: 'LU', organization: 'cardauth CLI test', baseUrl: 'http://127.0.0.1:8080', issuingCurve: 'P-256', maxCardValidityDays: 1826 } });
    await keyStore.close();
    const factoryDir = join(dir, 'factory');
    serial = 60_000_000 + Math.floor(Math.random() * 1_000_000);
    const cardFile = join(dir, 'card.json');
    await manufactureCard({ serial, out: cardFile, factoryDir });
    writeFileSync(join(dir, 'factory-root.pem'), await factoryRootPem(factoryDir));

    const db = await openDatabase({ dataDir: dir });
    try {
      await migrate(db);
      const staff = staffDeps({ sql: db, store: new MemoryStore(), clock: systemClock });
      await addStaff(staff, undefined, { username: 'admin', displayName: 'Admin', role: 'admin', password: 'root pass phrase for the test 1' });
      const admin = (await login(staff, { username: 'admin', password: 'root pass phrase for the test 1', address: 'test' })).principal;
      await addStaff(staff, admin, { username: 'olivia', displayName: 'Olivia Officer', role: 'officer', password: 'officer password for the test 2' });
      await addStaff(staff, admin, { username: 'sam', displayName: 'Sam Supervisor', role: 'supervisor', password: 'supervisor password for test 3' });
      const ch = await openInProcessChannel(await VirtualCard.open(cardFile));
      await receiveStock(db, { serial, manufacturer: 'firmware-sim', attestationCertDer: await attestationCertOf(ch) }, 'stock-clerk', new Date());
      await ch.close();
    } finally {
      await db.close();
    }
    writeFileSync(join(dir, 'olivia.pw'), 'officer password for the test 2\n', { mode: 0o600 });
    writeFileSync(join(dir, 'sam.pw'), 'supervisor password for test 3\n', { mode: 0o600 });
    env = {
      CARDAUTH_DATA_DIR: dir,
      CARDAUTH_KEY_PASSPHRASE: PASSPHRASE,
      CARDAUTH_MANUFACTURER_ROOTS: join(dir, 'factory-root.pem'),
      CARDAUTH_STAFF_USER: 'olivia',
      CARDAUTH_STAFF_PASSWORD_FILE: join(dir, 'olivia.pw'),
      DATABASE_URL: '',
      REDIS_URL: '',
      CARDAUTH_LOG_LEVEL: 'error',
    };
    lease = await acquireReader();
    sim = await startSimCard({ cardFile, port: lease.port });
  });

  after(async () => {
    await sim?.stop();
    await lease?.release();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to run without staff credentials', async () => {
    const r = await cardauth(['enrol', '--national-id', 'CLIE00001', '--surname', 'Wagner', '--given-name', 'Ida', '--birth-date', '1985-04-04'], { ...env, CARDAUTH_STAFF_USER: '' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /staff_credentials_missing/);
  });

  it('enrols, then personalises the card in the reader with the PIN from standard input', async () => {
    const e = await cardauth(['enrol', '--national-id', 'CLIE00001', '--surname', 'Wagner', '--given-name', 'Ida', '--birth-date', '1985-04-04'], env);
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /enrolled WAGNER, Ida/);
    const i = await cardauth(['issue', '--reader', lease.readerName, '--national-id', 'CLIE00001'], env, '250871\n');
    assert.equal(i.code, 0, i.stderr);
    assert.match(i.stderr, /\[1\/10\] Check the card is blank and in stock/);
    assert.match(i.stderr, /\[10\/10\] done/);
    assert.match(i.stdout, /PUK for the citizen \(shown once, not stored\): \d{8}/);
    assert.match(i.stdout, new RegExp(`card ${serial} active`));
    assert.doesNotMatch(i.stdout + i.stderr, /250871/);
  });

  it('card show as the officer; revoke needs the supervisor', async () => {
    const s = await cardauth(['card', 'show', String(serial)], env);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, / 9a [0-9a-f]+ good/);
    const denied = await cardauth(['card', 'revoke', String(serial), '--reason', 'cessationOfOperation'], env);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /issuance_forbidden/);
    const sup = { ...env, CARDAUTH_STAFF_USER: 'sam', CARDAUTH_STAFF_PASSWORD_FILE: join(dir, 'sam.pw') };
    const r = await cardauth(['card', 'revoke', String(serial), '--reason', 'cessationOfOperation'], sup);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /revoked \(cessationOfOperation\)/);
  });
});
