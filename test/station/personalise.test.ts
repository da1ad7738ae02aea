// Thin stations end to end in one process: the service (buildService on
// PostgreSQL) with its WebSocket endpoint on a loopback port, and station
// agents with in-process readers and scripted PIN pads. An officer takes a
// blank card into stock and personalises it at the station over HTTP; the
// engine runs in the service, the PIN and PUK steps at the station.
import assert from 'node:assert/strict';
import type { CardChannel } from '../../src/card/channel.js';
import { scriptedPinPad } from '../issuance/support/fixture.js';
import type { PinPad } from '../../src/issuance/ports/station.js';
import { blankCard, startStation, startStationService, waitForCardReported, waitForJob, withTransmit, type StationService } from './support/service.js';

const CITIZEN_PIN = '250871';

async function enrol(s: StationService, nationalId: string): Promise<void> {
  const r = await s.api('POST', '/v1/issuance/citizens', s.officerToken, { nationalId, surname: 'Chan', givenName: 'Sreymom', birthDate: '1993-06-15' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
}

async function stock(s: StationService, stationId: string, reader: string): Promise<void> {
  const r = await s.api('POST', '/v1/issuance/stock', s.officerToken, { stationId, reader });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const job = await waitForJob(s, r.body['jobId'] as string);
  assert.equal(job['status'], 'completed', JSON.stringify(job));
}

let nid = 100_000 + Math.floor(Math.random() * 800_000);
const nationalId = (): string => `ST${nid++}`;

describe('thin station: personalisation through the station relay', function () {
  this.timeout(120_000);
  let s: StationService;

  before(async () => {
    s = await startStationService();
  });
  after(async () => {
    await s?.close();
  });

  it('an officer personalises the card in a station reader: engine in the service, PIN and PUK at the station; the job records station and officer', async () => {
    const st = await startStation(s, { readers: ['desk 1'], pads: { 'desk 1': scriptedPinPad(CITIZEN_PIN) } });
    const { serial, card } = await blankCard(s);
    await st.readers.insert('desk 1', card);
    await waitForCardReported(s, st.id, 'desk 1');
    const list = await s.api('GET', '/v1/stations', s.officerToken);
    const mine = (list.body['stations'] as Record<string, unknown>[]).find((x) => x['id'] === st.id)!;
    assert.deepEqual(mine['readers'], [{ name: 'desk 1', cardPresent: true, cardSerial: serial }]);
    await stock(s, st.id, 'desk 1');
    const id = nationalId();
    await enrol(s, id);

    const r = await s.api('POST', '/v1/issuance/personalisations', s.officerToken, { stationId: st.id, reader: 'desk 1', nationalId: id, signatureKey: true });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const job = await waitForJob(s, r.body['jobId'] as string);
    assert.equal(job['status'], 'completed', JSON.stringify(job));
    assert.equal(job['kind'], 'personalise');
    assert.deepEqual(job['station'], { id: st.id, name: mine['name'] });
    assert.equal(job['reader'], 'desk 1');
    assert.equal(job['cardSerial'], serial);
    assert.ok((job['steps'] as { status: string }[]).every((x) => x.status === 'done'));
    const officer = await s.api('GET', '/v1/staff/me', s.officerToken);
    assert.equal(job['officer'], officer.body['staffId'] ?? officer.body['id']);

    const c = await s.api('GET', `/v1/issuance/cards/${serial}`, s.officerToken);
    assert.equal(c.status, 200);
    assert.equal(c.body['status'], 'active');
    assert.equal((c.body['certificates'] as unknown[]).length, 2);
    // The PUK was shown at the station once; neither it nor the PIN reached the service.
    const puks = st.puks.get('desk 1')!;
    assert.equal(puks.length, 1);
    const logged = s.log.lines.join('');
    assert.ok(!logged.includes(CITIZEN_PIN) && !logged.includes(puks[0]!), 'no PIN or PUK in the service log');
    await st.agent.stop();
  });

  it('two jobs on two readers of one station run independently', async () => {
    const st = await startStation(s, { readers: ['left', 'right'], pads: { left: scriptedPinPad('314159'), right: scriptedPinPad('271828') } });
    const cards = [await blankCard(s), await blankCard(s)];
    await st.readers.insert('left', cards[0]!.card);
    await st.readers.insert('right', cards[1]!.card);
    await waitForCardReported(s, st.id, 'left');
    await waitForCardReported(s, st.id, 'right');
    await stock(s, st.id, 'left');
    await stock(s, st.id, 'right');
    const ids = [nationalId(), nationalId()];
    for (const id of ids) await enrol(s, id);
    const started = await Promise.all(
      (['left', 'right'] as const).map((reader, i) => s.api('POST', '/v1/issuance/personalisations', s.officerToken, { stationId: st.id, reader, nationalId: ids[i] })),
    );
    for (const r of started) assert.equal(r.status, 202, JSON.stringify(r.body));
    const jobs = await Promise.all(started.map((r) => waitForJob(s, r.body['jobId'] as string)));
    assert.deepEqual(jobs.map((j) => j['status']), ['completed', 'completed']);
    assert.deepEqual(jobs.map((j) => j['cardSerial']), cards.map((c) => c.serial));
    assert.equal(st.puks.get('left')!.length, 1);
    assert.equal(st.puks.get('right')!.length, 1);
    await st.agent.stop();
  });

  it('a station that disconnects in the middle of a job: the job stays resumable, and resumes when the station is back; nothing is registered in between', async () => {
    let cut: (() => void) | undefined;
    // The station's connection drops while the citizen is at the PIN pad.
    const leaving: PinPad = {
      async readNewPin() {
        cut?.();
        return new Promise<Uint8Array>(() => {});
      },
      async readPin() {
        throw new Error('unused');
      },
    };
    const st = await startStation(s, { readers: ['desk'], pads: { desk: leaving } });
    cut = () => void st.agent.stop();
    const { serial, card } = await blankCard(s);
    await st.readers.insert('desk', card);
    await waitForCardReported(s, st.id, 'desk');
    await stock(s, st.id, 'desk');
    const id = nationalId();
    await enrol(s, id);
    const r = await s.api('POST', '/v1/issuance/personalisations', s.officerToken, { stationId: st.id, reader: 'desk', nationalId: id });
    assert.equal(r.status, 202);
    const first = await waitForJob(s, r.body['jobId'] as string);
    assert.equal(first['status'], 'interrupted', JSON.stringify(first));
    assert.equal(first['lastError'], 'station_disconnected');
    assert.equal((await s.api('GET', `/v1/issuance/cards/${serial}`, s.officerToken)).status, 404, 'nothing registered');

    // Back, with a working pad: the same request resumes the interrupted job.
    const back = await startStation(s, { readers: ['desk'], pads: { desk: scriptedPinPad(CITIZEN_PIN) }, name: `back ${serial}` });
    await st.readers.remove('desk');
    await back.readers.insert('desk', card);
    await waitForCardReported(s, back.id, 'desk');
    const again = await s.api('POST', '/v1/issuance/personalisations', s.officerToken, { stationId: back.id, reader: 'desk', nationalId: id });
    assert.equal(again.status, 202, JSON.stringify(again.body));
    const done = await waitForJob(s, again.body['jobId'] as string);
    assert.equal(done['status'], 'completed', JSON.stringify(done));
    assert.equal(done['issuanceJobId'], first['issuanceJobId'], 'the interrupted issuance job was resumed');
    assert.equal((await s.api('GET', `/v1/issuance/cards/${serial}`, s.officerToken)).body['status'], 'active');
    await back.agent.stop();
  });

  it('a station that lies about the card: a software key in place of the generated one fails attestation; the job fails and nothing is registered', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const soft = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
    const point = soft.subarray(soft.length - 65);
    const lying = (_reader: string, channel: CardChannel): CardChannel =>
      withTransmit(channel, async (apdu) => {
        const r = await channel.transmit(apdu);
        // GENERATE ASYMMETRIC KEY PAIR answered: swap the card's public point for the software key's.
        if (apdu[1] === 0x47 && r.length === 2 + 5 + 65) return Uint8Array.from([...r.subarray(0, 5), ...point, 0x90, 0x00]);
        return r;
      });
    const st = await startStation(s, { readers: ['desk'], wrap: lying });
    const { serial, card } = await blankCard(s);
    await st.readers.insert('desk', card);
    await waitForCardReported(s, st.id, 'desk');
    await stock(s, st.id, 'desk');
    const id = nationalId();
    await enrol(s, id);
    const r = await s.api('POST', '/v1/issuance/personalisations', s.officerToken, { stationId: st.id, reader: 'desk', nationalId: id });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const job = await waitForJob(s, r.body['jobId'] as string);
    assert.equal(job['status'], 'failed', JSON.stringify(job));
    assert.equal(job['lastError'], 'attestation_invalid');
    assert.equal((await s.api('GET', `/v1/issuance/cards/${serial}`, s.officerToken)).status, 404, 'nothing registered');
    await st.agent.stop();
  });
  it('a station that presents another card’s serial and F9 certificate: the attestation of the real card does not verify; the job fails and nothing is registered', async () => {
    const a = await blankCard(s);
    const b = await blankCard(s);
    // Card A goes into stock honestly.
    const honest = await startStation(s, { readers: ['intake'] });
    await honest.readers.insert('intake', a.card);
    await waitForCardReported(s, honest.id, 'intake');
    await stock(s, honest.id, 'intake');
    await honest.readers.remove('intake');
    await honest.agent.stop();
    // Card B sits in the reader, but the station answers GET SERIAL and the F9 certificate from card A.
    const { openInProcessChannel } = await import('../../src/card/in-process.js');
    const aChannel = await openInProcessChannel(a.card);
    let fromA = false;
    const lying = (_reader: string, channel: CardChannel): CardChannel =>
      withTransmit(channel, async (apdu) => {
        const ins = apdu[1];
        if (ins === 0xa4) await aChannel.transmit(apdu);
        const f9 = ins === 0xcb && Buffer.from(apdu).includes(Buffer.from([0x5f, 0xff, 0x01]));
        fromA = ins === 0xf8 || f9 || (ins === 0xc0 && fromA);
        return fromA ? aChannel.transmit(apdu) : channel.transmit(apdu);
      });
    const st = await startStation(s, { readers: ['desk'], wrap: lying });
    await st.readers.insert('desk', b.card);
    await waitForCardReported(s, st.id, 'desk');
    const id = nationalId();
    await enrol(s, id);
    const r = await s.api('POST', '/v1/issuance/personalisations', s.officerToken, { stationId: st.id, reader: 'desk', nationalId: id });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const job = await waitForJob(s, r.body['jobId'] as string);
    assert.equal(job['status'], 'failed', JSON.stringify(job));
    assert.equal(job['lastError'], 'attestation_invalid');
    for (const serial of [a.serial, b.serial]) assert.equal((await s.api('GET', `/v1/issuance/cards/${serial}`, s.officerToken)).status, 404, 'nothing registered');
    await st.agent.stop();
    await aChannel.close();
  });
});
