// Bad input and faults: each gets a clear error code and leaves the
// registry consistent — no card or certificate registered without the card
// holding its keys, and no key on a card without a job or record naming it.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualCard, manufactureCard } from '../../firmware-sim/index.js';
import { InProcessReaders, openInProcessChannel } from '../../src/card/in-process.js';
import { PivClient } from '../../src/card/piv/index.js';
import { enrolCitizen } from '../../src/issuance/enrol-citizen.js';
import { createIssuanceEngine, type IssuanceEngine } from '../../src/issuance/engine/run-job.js';
import { FACTORY_MANAGEMENT_KEY_TDES } from '../../src/issuance/lib/factory-defaults.js';
import { MemoryIssuanceRegistry } from '../../src/issuance/store/memory-registry.js';
import type { CardSerial } from '../../src/issuance/types.js';
import {
  attestationCertOf,
  blankCard,
  capturingPukDisplay,
  describe as describeCardFile,
  freshSerial,
  makeFixture,
  officer,
  openCard,
  scriptedPinPad,
  supervisor,
  type IssuanceFixture,
} from './support/fixture.js';
import { localCardholder } from '../../src/issuance/cardholder/local.js';
import type { CardChannel } from '../../src/card/channel.js';

async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.equal((e as { code?: string }).code, code, `expected ${code}, got ${String((e as Error).message)}`);
    return true;
  });
}

describe('issuance: bad input and faults', function () {
  this.timeout(60_000);
  let f: IssuanceFixture;
  let registry: MemoryIssuanceRegistry;
  let engine: IssuanceEngine;
  let n = 0;
  const newCitizen = async (): Promise<string> => {
    n++;
    const nationalId = `FT${String(n).padStart(6, '0')}`;
    await enrolCitizen(f.deps, { nationalId, surname: 'Schmit', givenName: 'Jean', birthDate: '1980-02-29' }, officer);
    return nationalId;
  };
  const stocked = async (): Promise<{ file: string; serial: CardSerial }> => {
    const c = await blankCard(f);
    const { channel } = await openCard(c.file);
    registry.addStock(c.serial, await attestationCertOf(channel));
    await channel.close();
    return c;
  };
  const station = (channel: CardChannel) => ({ actor: officer, cardholder: localCardholder(channel, scriptedPinPad('240613'), capturingPukDisplay()) });

  before(async () => {
    registry = new MemoryIssuanceRegistry();
    f = await makeFixture({ registry });
    engine = createIssuanceEngine(f.deps);
  });
  after(async () => f.cleanup());

  describe('input validation', () => {
    const base = { nationalId: 'AB123456', surname: 'Muller', givenName: 'Anne', birthDate: '1990-01-01' };
    for (const [name, patch, field] of [
      ['national ID with symbols', { nationalId: 'AB-12#45' }, 'nationalId'],
      ['national ID too short', { nationalId: 'A1' }, 'nationalId'],
      ['surname with digits', { surname: 'M4ller' }, 'surname'],
      ['empty given name', { givenName: '  ' }, 'givenName'],
      ['birth date 31 February', { birthDate: '1990-02-31' }, 'birthDate'],
      ['birth date in the future', { birthDate: '2999-01-01' }, 'birthDate'],
      ['birth date not ISO', { birthDate: '01/02/1990' }, 'birthDate'],
    ] as const) {
      it(`refuses ${name} with citizen_invalid naming the field`, async () => {
        await assert.rejects(enrolCitizen(f.deps, { ...base, ...patch }, officer), (e: unknown) => {
          const err = e as { code: string; detail?: { field?: string }; message: string };
          assert.equal(err.code, 'citizen_invalid');
          assert.equal(err.detail?.field, field);
          assert.match(err.message, new RegExp(`^${field}:|national ID`));
          return true;
        });
      });
    }
    it('accepts names in other scripts and normalises the national ID', async () => {
      const c = await enrolCitizen(f.deps, { ...base, nationalId: 'ab 1234-56x', surname: 'Ngô', givenName: "D'Arcy Ève" }, officer);
      assert.equal(c.nationalId, 'AB123456X');
    });
    it('refuses a duplicate national ID (citizen_exists), keeping one record', async () => {
      await enrolCitizen(f.deps, { ...base, nationalId: 'DUP000001' }, officer);
      await rejects(enrolCitizen(f.deps, { ...base, nationalId: 'dup000001', surname: 'Other' }, officer), 'citizen_exists');
      assert.equal([...registry.citizens.values()].filter((c) => c.nationalId === 'DUP000001').length, 1);
    });
    it('refuses enrolment by a role without the permission', async () => {
      await rejects(enrolCitizen(f.deps, { ...base, nationalId: 'ROLE00001' }, { staffId: 'a', role: 'auditor' }), 'issuance_forbidden');
    });
  });

  it('unknown citizen: citizen_not_found, no job, stock untouched', async () => {
    const c = await stocked();
    const { channel } = await openCard(c.file);
    await rejects(engine.personalise({ channel, nationalId: 'NOSUCH999', ...station(channel) }), 'citizen_not_found');
    assert.equal(await registry.findOpenJob(c.serial), undefined);
    assert.equal((await registry.getStock(c.serial))?.status, 'available');
  });

  it('card not in stock: card_not_in_stock, card untouched', async () => {
    const c = await blankCard(f);
    const { channel } = await openCard(c.file);
    await rejects(engine.personalise({ channel, nationalId: await newCitizen(), ...station(channel) }), 'card_not_in_stock');
    const d = await describeCardFile(c.file);
    assert.deepEqual(Object.keys(d.keys), ['f9']);
    assert.equal(d.managementKey.isDefault, true);
  });

  it('card not blank: card_not_blank, job failed, card rejected from stock, its key left alone', async () => {
    const c = await stocked();
    const { channel } = await openCard(c.file);
    const piv = new PivClient(channel);
    await piv.select();
    assert.ok((await piv.authenticateManagementKey(FACTORY_MANAGEMENT_KEY_TDES, 'TDES')).ok);
    assert.ok((await piv.generateKey(0x9d, 'ECCP256')).ok);
    const before = await describeCardFile(c.file);
    await rejects(engine.personalise({ channel, nationalId: await newCitizen(), ...station(channel) }), 'card_not_blank');
    const jobs = [...registry.jobs.values()].filter((j) => j.cardSerial === c.serial);
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.status, 'failed');
    assert.equal(jobs[0]!.lastError, 'card_not_blank');
    assert.equal((await registry.getStock(c.serial))?.status, 'rejected');
    assert.equal(await registry.getCard(c.serial), undefined);
    assert.deepEqual(await describeCardFile(c.file), before);
  });

  it('card from an unknown factory: attestation_invalid, keys wiped, no record, card rejected', async () => {
    const otherFactory = mkdtempSync(join(tmpdir(), 'cardauth-rogue-factory-'));
    const serial = freshSerial();
    const file = join(f.dir, `rogue-${serial}.json`);
    await manufactureCard({ serial, out: file, factoryDir: otherFactory });
    const { channel } = await openCard(file);
    registry.addStock(serial); // stock intake without an attestation certificate on record
    await rejects(engine.personalise({ channel, nationalId: await newCitizen(), ...station(channel) }), 'attestation_invalid');
    const d = await describeCardFile(file);
    assert.deepEqual(Object.keys(d.keys), ['f9'], 'the keys generated before the attestation check are wiped');
    assert.equal(d.managementKey.isDefault, true);
    assert.equal(await registry.getCard(serial), undefined);
    assert.equal((await registry.getStock(serial))?.status, 'rejected');
    assert.equal([...registry.certificates.values()].filter((x) => x.cardSerial === serial).length, 0);
    assert.ok(registry.audit.some((a) => a.action === 'card.wipe' && a.subject === String(serial) && a.detail.reason === 'attestation_invalid'));
  });

  it('card removed mid-personalisation: the job is interrupted, then resumes on reinsertion and completes', async () => {
    const c = await stocked();
    const readers = new InProcessReaders(['Desk 1']);
    const card = await VirtualCard.open(c.file);
    await readers.insert('Desk 1', card);
    const channel = await readers.connect('Desk 1');
    const pad = {
      async readNewPin() {
        await readers.remove('Desk 1'); // the citizen pulls the card while typing
        return Uint8Array.from(Buffer.from('240613'));
      },
      async readPin() {
        return Uint8Array.from(Buffer.from('240613'));
      },
    };
    const nationalId = await newCitizen();
    await rejects(engine.personalise({ channel, nationalId, actor: officer, cardholder: localCardholder(channel, pad, capturingPukDisplay()) }), 'card_removed');
    const job = await registry.findOpenJob(c.serial);
    assert.equal(job?.status, 'interrupted');
    assert.equal(job?.lastError, 'card_removed');
    assert.deepEqual(job?.completedSteps.at(-1), 'set-retry-limits');
    assert.equal(await registry.getCard(c.serial), undefined);

    await readers.insert('Desk 1', card);
    const again = await readers.connect('Desk 1');
    const r = await engine.personalise({ channel: again, ...station(again) });
    assert.equal(r.resumed, true);
    assert.equal(r.wipes, 0);
    assert.equal((await registry.getCard(c.serial))?.status, 'active');
    await readers.close();
  });

  it('database error in the final transaction: nothing registered, the job resumes and completes', async () => {
    const c = await stocked();
    const { channel } = await openCard(c.file);
    registry.failNext = (op) => op === 'commitIssuance';
    const puk = capturingPukDisplay();
    await assert.rejects(engine.personalise({ channel, nationalId: await newCitizen(), actor: officer, cardholder: localCardholder(channel, scriptedPinPad('240613'), puk) }), /simulated database failure/);
    assert.equal(await registry.getCard(c.serial), undefined);
    assert.equal([...registry.certificates.values()].filter((x) => x.cardSerial === c.serial).length, 0);
    assert.equal((await registry.findOpenJob(c.serial))?.status, 'interrupted');
    assert.equal(puk.shown.length, 1, 'the PUK was shown before the commit and stays valid');
    const r = await engine.personalise({ channel, ...station(channel) });
    assert.equal(r.wipes, 0);
    const certs = await registry.certificatesOf(c.serial);
    assert.equal(certs.length, 1);
    assert.equal((await registry.getCard(c.serial))?.status, 'active');
  });

  it('database error while recording a step: the step re-runs on resume', async () => {
    const c = await stocked();
    const { channel } = await openCard(c.file);
    let updates = 0;
    registry.failNext = (op) => op === 'updateJob' && ++updates === 3; // recording generate-keys
    await assert.rejects(engine.personalise({ channel, nationalId: await newCitizen(), ...station(channel) }), /simulated database failure/);
    const job = await registry.findOpenJob(c.serial);
    assert.deepEqual(job?.completedSteps, ['check-card', 'diversify-management-key']);
    const r = await engine.personalise({ channel, ...station(channel), takeOver: true });
    assert.equal(r.wipes, 0);
    const d = await describeCardFile(c.file);
    const certs = await registry.certificatesOf(c.serial);
    assert.equal(certs.length, 1);
    assert.ok(d.keys['9a']);
  });

  it('a second concurrent personalisation of the same card is refused (issuance_in_progress)', async () => {
    const c = await stocked();
    const card = await VirtualCard.open(c.file);
    const ch1 = await openInProcessChannel(card);
    const ch2 = await openInProcessChannel(card);
    const [a, b] = await Promise.allSettled([
      engine.personalise({ channel: ch1, nationalId: await newCitizen(), ...station(ch1) }),
      engine.personalise({ channel: ch2, nationalId: await newCitizen(), ...station(ch2) }),
    ]);
    const outcomes = [a, b].map((x) => (x.status === 'fulfilled' ? 'ok' : (x.reason as { code?: string }).code));
    assert.deepEqual(outcomes.sort(), ['issuance_in_progress', 'ok']);
    assert.equal([...registry.jobs.values()].filter((j) => j.cardSerial === c.serial).length, 1);
    assert.equal((await registry.getCard(c.serial))?.status, 'active');
  });

  it('a running job cannot be resumed by another runner while its lease holds', async () => {
    const c = await stocked();
    const { channel } = await openCard(c.file);
    let hold: () => void = () => {};
    const gate = new Promise<void>((r) => (hold = r));
    const pad = { async readNewPin() { await gate; return Uint8Array.from(Buffer.from('240613')); }, async readPin() { return new Uint8Array(); } };
    const first = engine.personalise({ channel, nationalId: await newCitizen(), actor: officer, cardholder: localCardholder(channel, pad, capturingPukDisplay()) });
    while ((await registry.findOpenJob(c.serial))?.completedSteps.includes('set-retry-limits') !== true) await new Promise((r) => setTimeout(r, 5));
    const { channel: other } = await openCard(c.file);
    await rejects(engine.personalise({ channel: other, ...station(other) }), 'issuance_in_progress');
    hold();
    assert.equal((await first).status, 'active');
  });

  it('weak PINs are refused at the pad and asked again; the PIN never equals the factory PIN', async () => {
    const c = await stocked();
    const { channel } = await openCard(c.file);
    const pad = scriptedPinPad('123456', '111111', '250871');
    await engine.personalise({ channel, nationalId: await newCitizen(), actor: officer, cardholder: localCardholder(channel, pad, capturingPukDisplay()) });
    assert.equal(pad.asked, 3);
    const piv = new PivClient(channel);
    await piv.select();
    assert.equal((await piv.verifyPin('250871')).ok, true);
  });

  it('a role without the permission cannot personalise', async () => {
    const c = await stocked();
    const { channel } = await openCard(c.file);
    await rejects(engine.personalise({ channel, nationalId: await newCitizen(), ...station(channel), actor: supervisor }), 'issuance_forbidden');
  });
});

describe('issuance: resume when the card no longer matches the job', function () {
  this.timeout(60_000);
  it('a key replaced behind the job’s back: the card is wiped and personalised again', async () => {
    const registry = new MemoryIssuanceRegistry();
    const f = await makeFixture({ registry });
    try {
      await enrolCitizen(f.deps, { nationalId: 'DIVERGE01', surname: 'Klein', givenName: 'Tom', birthDate: '1970-01-01' }, officer);
      const c = await blankCard(f);
      const { channel } = await openCard(c.file);
      registry.addStock(c.serial, await attestationCertOf(channel));
      const engine = createIssuanceEngine({ ...f.deps, hooks: { stepPersisted: (s) => { if (s === 'issue-certificates') throw new Error('stop here'); } } });
      await assert.rejects(engine.personalise({ channel, nationalId: 'DIVERGE01', actor: officer, cardholder: localCardholder(channel, scriptedPinPad('240613'), capturingPukDisplay()) }), /stop here/);
      // Someone with the card's management key generates a new 9A key.
      const { managementKeyOf } = await import('./support/fixture.js');
      const piv = new PivClient(channel);
      await piv.select();
      assert.ok((await piv.authenticateManagementKey(await managementKeyOf(f, c.serial), 'AES256')).ok);
      assert.ok((await piv.generateKey(0x9a, 'ECCP256', { pinPolicy: 'always' })).ok);
      const events: string[] = [];
      const r = await createIssuanceEngine(f.deps).personalise({ channel, actor: officer, cardholder: localCardholder(channel, scriptedPinPad('240613'), capturingPukDisplay()), progress: (e) => events.push(e.kind) });
      assert.equal(r.wipes, 1);
      assert.ok(events.includes('wipe'));
      const d = await describeCardFile(c.file);
      assert.equal(d.lifecycle.resetCount, 1);
      const cert = (await registry.certificatesOf(c.serial))[0]!;
      const job = (await registry.getJob(r.jobId))!;
      assert.equal(job.attempt, 2);
      assert.equal(job.data.certificates?.[0]?.serialHex, cert.serialHex, 'the registered certificate is the one issued after the wipe');
    } finally {
      await f.cleanup();
    }
  });
});

describe('issuance: cancelling an unfinished job', function () {
  this.timeout(60_000);
  it('wipes the card in the reader, returns it to the stock, and the card can be issued to someone else', async () => {
    const registry = new MemoryIssuanceRegistry();
    const f = await makeFixture({ registry });
    try {
      for (const id of ['CANCEL001', 'CANCEL002']) {
        await enrolCitizen(f.deps, { nationalId: id, surname: 'Roth', givenName: 'Ana', birthDate: '1991-01-01' }, officer);
      }
      const c = await blankCard(f);
      const { channel } = await openCard(c.file);
      registry.addStock(c.serial, await attestationCertOf(channel));
      const engine = createIssuanceEngine(f.deps);
      const leaving = { async readNewPin(): Promise<Uint8Array> { throw issuanceErr(); }, async readPin() { return new Uint8Array(); } };
      await assert.rejects(engine.personalise({ channel, nationalId: 'CANCEL001', actor: officer, cardholder: localCardholder(channel, leaving, capturingPukDisplay()) }));
      const job = (await registry.findOpenJob(c.serial))!;
      assert.equal(job.status, 'interrupted');
      assert.deepEqual(Object.keys((await describeCardFile(c.file)).keys).sort(), ['9a', 'f9']);
      const r = await engine.cancel({ jobId: job.id, channel, actor: officer });
      assert.equal(r.wiped, true);
      assert.deepEqual(Object.keys((await describeCardFile(c.file)).keys), ['f9']);
      assert.equal((await registry.getJob(job.id))?.status, 'cancelled');
      assert.equal((await registry.getStock(c.serial))?.status, 'available');
      await rejects(engine.cancel({ jobId: job.id, actor: officer }), 'issuance_job_finished');
      const again = await engine.personalise({ channel, nationalId: 'CANCEL002', actor: officer, cardholder: localCardholder(channel, scriptedPinPad('240613'), capturingPukDisplay()) });
      assert.equal(again.status, 'active');
    } finally {
      await f.cleanup();
    }
  });
});

function issuanceErr(): Error {
  return Object.assign(new Error('citizen left'), { code: 'issuance_pin_entry_failed' });
}
