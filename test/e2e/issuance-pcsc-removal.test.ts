// A card removed mid-personalisation through real pcscd: the simulator
// process is killed (SIGKILL) while the citizen is at the PIN pad. The job is
// left interrupted with nothing registered; once the card is back in the
// reader (the simulator restarted on the same card file), the job resumes and
// completes.
import assert from 'node:assert/strict';
import { PcscReaders } from '../../src/card/pcsc/readers.js';
import { enrolCitizen } from '../../src/issuance/enrol-citizen.js';
import { createIssuanceEngine } from '../../src/issuance/engine/run-job.js';
import { MemoryIssuanceRegistry } from '../../src/issuance/store/memory-registry.js';
import { acquireReader, startSimCard, type ReaderLease, type SimCardProcess } from '../support/pcsc.js';
import { attestationCertOf, blankCard, capturingPukDisplay, makeFixture, officer, scriptedPinPad, type IssuanceFixture } from '../issuance/support/fixture.js';
import { localCardholder } from '../../src/issuance/cardholder/local.js';

describe('e2e issuance: card removed mid-personalisation (simulator killed)', function () {
  this.timeout(180_000);
  let f: IssuanceFixture;
  let lease: ReaderLease;
  let sim: SimCardProcess | undefined;

  before(async () => {
    f = await makeFixture({ registry: new MemoryIssuanceRegistry() });
    lease = await acquireReader();
  });
  after(async () => {
    await sim?.stop();
    await lease?.release();
    await f?.cleanup();
  });

  it('interrupts the job, registers nothing, and resumes on reinsertion', async () => {
    const registry = f.registry as MemoryIssuanceRegistry;
    const card = await blankCard(f);
    sim = await startSimCard({ cardFile: card.file, port: lease.port });
    await enrolCitizen(f.deps, { nationalId: 'RMV000001', surname: 'Becker', givenName: 'Eva', birthDate: '1979-09-09' }, officer);
    const engine = createIssuanceEngine(f.deps);
    const readers = await PcscReaders.open();
    try {
      const channel = await readers.connect(lease.readerName);
      registry.addStock(card.serial, await attestationCertOf(channel));
      const pad = {
        async readNewPin() {
          await sim!.kill(); // the card leaves the reader while the citizen types
          return Uint8Array.from(Buffer.from('250871'));
        },
        async readPin() {
          return new Uint8Array();
        },
      };
      await assert.rejects(engine.personalise({ channel, nationalId: 'RMV000001', actor: officer, cardholder: localCardholder(channel, pad, capturingPukDisplay()) }), (e: unknown) => {
        assert.ok(['card_removed', 'transmit_failed', 'card_reset', 'no_card'].includes((e as { code?: string }).code ?? ''), String(e));
        return true;
      });
      const job = await registry.findOpenJob(card.serial);
      assert.equal(job?.status, 'interrupted');
      assert.equal(job?.completedSteps.at(-1), 'set-retry-limits');
      assert.equal(await registry.getCard(card.serial), undefined);
      assert.equal((await registry.certificatesOf(card.serial)).length, 0);

      sim = await startSimCard({ cardFile: card.file, port: lease.port });
      await readers.waitForCard(lease.readerName, { timeoutMs: 10_000 });
      const again = await readers.connect(lease.readerName);
      const r = await engine.personalise({ channel: again, actor: officer, cardholder: localCardholder(again, scriptedPinPad('250871'), capturingPukDisplay()) });
      assert.equal(r.resumed, true);
      assert.equal(r.wipes, 0);
      assert.equal((await registry.getCard(card.serial))?.status, 'active');
      await again.close({ disposition: 'reset' });
    } finally {
      await readers.close();
    }
  });
});
