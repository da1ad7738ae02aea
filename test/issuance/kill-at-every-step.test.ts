// Kill at every step (issue 4 "Acceptance: the kill-at-every-step test passes
// for every step"). For each step of flow 1, a child process personalises a
// card and SIGKILLs itself right after the step is persisted (and, for each
// step that touches the card, also after the card work but before the
// registry heard of it). Then the job is run again here, and we check:
// - right after the crash: every registered certificate is for a key the
//   card holds (nothing registered before the final transaction);
// - after the re-run: the job is completed, the card holds exactly the keys
//   of its registered certificates (9A with PIN ALWAYS), its PIN is the
//   citizen's, and the management key is the card's diversified key.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PivClient } from '../../src/card/piv/index.js';
import { enrolCitizen } from '../../src/issuance/enrol-citizen.js';
import { createIssuanceEngine } from '../../src/issuance/engine/run-job.js';
import { stepNames } from '../../src/issuance/engine/job.js';
import type { MemoryIssuanceRegistry } from '../../src/issuance/store/memory-registry.js';
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
import { openFileRegistry } from './support/file-registry.js';

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
async function registeredKeysHeld(registry: MemoryIssuanceRegistry, serial: CardSerial, file: string): Promise<void> {
  const d = await describeCardFile(file);
  for (const cert of await registry.certificatesOf(serial)) {
    const der = [...registry.jobs.values()].find((j) => j.cardSerial === serial)?.data.certificates?.find((c) => c.serialHex === cert.serialHex)?.der;
    assert.ok(der, 'the job names every registered certificate');
    const x = new X509Certificate(Buffer.from(der, 'base64'));
    const spkiHash = createHash('sha256').update(x.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
    assert.equal(d.keys[cert.slot.toString(16)]?.publicKeySha256, spkiHash, `registered certificate ${cert.serialHex} is for a key the card holds`);
  }
}

describe('issuance: kill at every step', function () {
  this.timeout(600_000);
  let f: IssuanceFixture;
  let registryFile: string;

  before(async () => {
    f = await makeFixture();
    registryFile = join(f.dir, 'registry.bin');
  });
  after(async () => f.cleanup());

  const points = [...stepNames.map((s) => s as string), ...stepNames.filter((s) => s !== 'record' && s !== 'check-card').map((s) => `ran:${s}`)];
  let n = 0;
  for (const point of points) {
    it(`crash ${point.startsWith('ran:') ? `after the card work of ${point.slice(4)}, before recording it` : `after ${point} is recorded`}`, async () => {
      n++;
      const nationalId = `KILL${String(n).padStart(5, '0')}`;
      const seed = openFileRegistry(registryFile);
      await enrolCitizen({ ...f.deps, registry: seed }, { nationalId, surname: 'Hoffmann', givenName: 'Paul', birthDate: '1966-03-03' }, officer);
      const card = await blankCard(f);
      {
        const { channel } = await openCard(card.file);
        seed.addStock(card.serial, await attestationCertOf(channel));
        await channel.close();
      }

      const r = await runChild({
        CARDAUTH_TEST_CRASH_AFTER: point,
        CRASH_REGISTRY_FILE: registryFile,
        CRASH_FIXTURE_DIR: f.dir,
        CRASH_CARD_FILE: card.file,
        CRASH_NATIONAL_ID: nationalId,
      });
      assert.equal(r.signal, 'SIGKILL', `child should have been killed at ${point}: code ${r.code} ${r.stderr}`);

      const registry = openFileRegistry(registryFile);
      await registeredKeysHeld(registry, card.serial, card.file);
      const job = [...registry.jobs.values()].find((j) => j.cardSerial === card.serial)!;
      const step = point.replace(/^ran:/, '');
      if (point.startsWith('ran:')) assert.ok(!job.completedSteps.includes(step as never));
      else assert.ok(step === 'record' ? job.status === 'completed' : job.completedSteps.includes(step as never));

      const engine = createIssuanceEngine({ ...f.deps, registry });
      const { channel } = await openCard(card.file);
      const puk = capturingPukDisplay();
      if (step === 'record' && !point.startsWith('ran:')) {
        await assert.rejects(
          engine.personalise({ channel, actor: officer, pinPad: scriptedPinPad('250871'), pukDisplay: puk, takeOver: true }),
          (e: unknown) => (e as { code?: string }).code === 'issuance_job_not_found' || (e as { code?: string }).code === 'issuance_job_finished',
        );
      } else {
        const result = await engine.personalise({ channel, actor: officer, pinPad: scriptedPinPad('250871'), pukDisplay: puk, takeOver: true });
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
      await registeredKeysHeld(registry, card.serial, card.file);
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
