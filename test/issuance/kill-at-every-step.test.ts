// Kill at every step: an interrupted personalisation is never left
// half-issued and unknown. For each step of flow 1, a child process personalises a
// card and SIGKILLs itself right after the step is persisted (and, for each
// step that touches the card, also after the card work but before the
// registry heard of it). The registry is a real PostgreSQL server (the
// child's connection dies with it; the server rolls back whatever it had not
// committed) and the card is a firmware-sim card file that persists every
// change before answering. Then the job is run again here, and we check:
// - right after the crash: every registered certificate is for a key the
//   card holds (nothing registered before the final transaction);
// - after the re-run: the job is completed, the card holds exactly the keys
//   of its registered certificates (9A with PIN ALWAYS), its PIN is the
//   citizen's, and the management key is the card's diversified key.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { PivClient } from '../../src/card/piv/index.js';
import { enrolCitizen } from '../../src/issuance/enrol-citizen.js';
import { createIssuanceEngine } from '../../src/issuance/engine/run-job.js';
import { stepNames } from '../../src/issuance/engine/job.js';
import type { IssuanceRegistry } from '../../src/issuance/ports/registry.js';
import { sqlIssuanceRegistry } from '../../src/issuance/store/sql-registry.js';
import { migrate } from '../../src/registry/migrate.js';
import { openDatabase } from '../../src/registry/open-database.js';
import { receiveStock } from '../../src/registry/repos/card-stock.js';
import type { Database } from '../../src/registry/sql.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import type { CardSerial } from '../../src/issuance/types.js';
import {
  attestationCertOf,
  blankCard,
  capturingPukDisplay,
  describe as describeCardFile,
  makeFixture,
  managementKeyOf,
  officer,
  openCard,
  scriptedPinPad,
  type IssuanceFixture,
} from './support/fixture.js';
import { localCardholder } from '../../src/issuance/cardholder/local.js';

const CHILD = fileURLToPath(new URL('./support/crash-child.ts', import.meta.url));

function runChild(env: Record<string, string>): Promise<{ signal: NodeJS.Signals | null; code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

/** Registered certificates of the card vs the keys it holds (SPKI SHA-256). */
async function registeredKeysHeld(db: Database, registry: IssuanceRegistry, serial: CardSerial, file: string): Promise<void> {
  const d = await describeCardFile(file);
  for (const cert of await registry.certificatesOf(serial)) {
    const row = (await db.query<{ der: Uint8Array }>('SELECT der FROM certificates WHERE serial_hex = $1', [cert.serialHex]))[0];
    assert.ok(row);
    const x = new X509Certificate(Buffer.from(row.der));
    const spkiHash = createHash('sha256').update(x.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
    assert.equal(d.keys[cert.slot.toString(16)]?.publicKeySha256, spkiHash, `registered certificate ${cert.serialHex} is for a key the card holds`);
  }
}

describe('issuance: kill at every step', function () {
  this.timeout(600_000);
  let f: IssuanceFixture;
  let pgServer: TestPostgres;
  let db: Database;
  let registry: IssuanceRegistry;

  before(async () => {
    pgServer = await startPostgres();
    db = await openDatabase({ url: pgServer.url, dataDir: '/nonexistent' });
    await migrate(db);
    registry = sqlIssuanceRegistry(db);
    f = await makeFixture({ registry });
  });
  after(async () => {
    await f?.cleanup();
    await db?.close();
    await pgServer?.stop();
  });

  const points = [...stepNames.map((s) => s as string), ...stepNames.filter((s) => s !== 'record' && s !== 'check-card').map((s) => `ran:${s}`)];
  let n = 0;
  for (const point of points) {
    it(`crash ${point.startsWith('ran:') ? `after the card work of ${point.slice(4)}, before recording it` : `after ${point} is recorded`}`, async () => {
      n++;
      const nationalId = `KILL${String(n).padStart(5, '0')}`;
      await enrolCitizen(f.deps, { nationalId, surname: 'Hoffmann', givenName: 'Paul', birthDate: '1966-03-03' }, officer);
      const card = await blankCard(f);
      {
        const { channel } = await openCard(card.file);
        await receiveStock(db, { serial: card.serial, manufacturer: 'firmware-sim', attestationCertDer: await attestationCertOf(channel) }, 'stock-clerk', new Date());
        await channel.close();
      }

      const r = await runChild({
        CARDAUTH_TEST_CRASH_AFTER: point,
        CRASH_DATABASE_URL: pgServer.url,
        CRASH_FIXTURE_DIR: f.dir,
        CRASH_CARD_FILE: card.file,
        CRASH_NATIONAL_ID: nationalId,
      });
      assert.equal(r.signal, 'SIGKILL', `child should have been killed at ${point}: code ${r.code} ${r.stderr}`);

      await registeredKeysHeld(db, registry, card.serial, card.file);
      const jobId = (await db.query<{ id: string }>('SELECT id FROM issuance_jobs WHERE card_serial = $1', [card.serial]))[0]!.id;
      const job = (await registry.getJob(jobId as never))!;
      const step = point.replace(/^ran:/, '');
      if (point.startsWith('ran:')) assert.ok(!job.completedSteps.includes(step as never));
      else assert.ok(step === 'record' ? job.status === 'completed' : job.completedSteps.includes(step as never));

      const engine = createIssuanceEngine(f.deps);
      const { channel } = await openCard(card.file);
      const puk = capturingPukDisplay();
      if (step === 'record' && !point.startsWith('ran:')) {
        await assert.rejects(
          engine.personalise({ channel, actor: officer, cardholder: localCardholder(channel, scriptedPinPad('250871'), puk), takeOver: true }),
          (e: unknown) => (e as { code?: string }).code === 'issuance_job_not_found' || (e as { code?: string }).code === 'issuance_job_finished',
        );
      } else {
        const result = await engine.personalise({ channel, actor: officer, cardholder: localCardholder(channel, scriptedPinPad('250871'), puk), takeOver: true });
        assert.equal(result.resumed, true);
        if (point === 'ran:set-puk') assert.equal(result.wipes, 1, 'a PUK set but not recorded is lost: wipe and start over');
        else assert.equal(result.wipes, 0);
      }

      // Final invariants: completed; card keys ⇔ registered certificates.
      const finalJob = (await registry.getJob(job.id))!;
      assert.equal(finalJob.status, 'completed');
      assert.equal((await registry.getCard(card.serial))?.status, 'active');
      const certs = await registry.certificatesOf(card.serial);
      assert.deepEqual(certs.map((c) => c.slot), [0x9a]);
      await registeredKeysHeld(db, registry, card.serial, card.file);
      assert.equal((await registry.getStock(card.serial))?.status, 'issued');
      const d = await describeCardFile(card.file);
      assert.deepEqual(Object.keys(d.keys).sort(), ['9a', 'f9']);
      assert.equal(d.keys['9a']?.pinPolicy, 'always');
      const piv = new PivClient(channel);
      await piv.select();
      assert.equal((await piv.verifyPin('250871')).ok, true);
      assert.equal((await piv.authenticateManagementKey(await managementKeyOf(f, card.serial), 'AES256')).ok, true);
      await channel.close();
    });
  }
});
