// The relay's rules with stations that misbehave, over a real WebSocket to
// the service (buildService on PostgreSQL): answers replayed, out of order,
// or for a job the station was not given are refused with their code and
// end the station's connection; a disabled or rotated key is refused at once,
// on an open connection too; a staff token is no station key and a station
// key no staff token.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { createLogger } from '../../src/util/log.js';
import { InProcessReaders } from '../../src/card/in-process.js';
import { runStationAgent } from '../../src/station/agent/run-agent.js';
import { setStationStatus } from '../../src/station/repo/set-station-status.js';
import { localCardholder } from '../../src/issuance/cardholder/local.js';
import { scriptedPinPad, capturingPukDisplay } from '../issuance/support/fixture.js';
import { blankCard, startStation, startStationService, waitForCardReported, waitForJob, type StationService } from './support/service.js';

type Behaviour = (m: Record<string, unknown>, send: (o: unknown) => void) => void;

/** A station played by hand: it answers `open` properly and then does what `behaviour` says. */
async function fakeStation(s: StationService, key: string, behaviour: Behaviour): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(`${s.base.replace('http', 'ws')}/v1/stations/connect`, { headers: { authorization: `Bearer ${key}` } });
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
  const send = (o: unknown) => ws.send(JSON.stringify(o));
  await new Promise<void>((ready, fail) => {
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as Record<string, unknown>;
      if (m['t'] === 'welcome') {
        send({ t: 'readers', readers: [{ name: 'desk', cardPresent: true }] });
        setTimeout(ready, 50);
        return;
      }
      if (m['t'] === 'open') return send({ t: 'opened', job: m['job'], seq: m['seq'], atr: '' });
      behaviour(m, send);
    });
    ws.on('error', fail);
  });
  return { ws, closed };
}

async function addStationKey(s: StationService): Promise<{ id: string; key: string }> {
  const r = await s.api('POST', '/v1/stations', s.adminToken, { name: `fake ${randomUUID().slice(0, 8)}` });
  assert.equal(r.status, 201);
  return { id: r.body['id'] as string, key: r.body['key'] as string };
}

describe('thin station: the relay refuses a station that lies, and keys that are no longer good', function () {
  this.timeout(120_000);
  let s: StationService;
  before(async () => {
    s = await startStationService();
  });
  after(async () => {
    await s?.close();
  });

  const cases: [string, string, Behaviour][] = [
    ['replayed', 'station_relay_replayed', (m, send) => send({ t: 'opened', job: m['job'], seq: 1, atr: '' })],
    ['out of order', 'station_relay_out_of_order', (m, send) => send({ t: 'rapdu', job: m['job'], seq: (m['seq'] as number) + 1, rapdu: 'kAA=' })],
    ['for another job', 'station_relay_other_job', (m, send) => send({ t: 'rapdu', job: randomUUID(), seq: m['seq'], rapdu: 'kAA=' })],
    ['of the wrong kind', 'station_protocol_error', (m, send) => send({ t: 'done', job: m['job'], seq: m['seq'] })],
    ['not a station message', 'station_protocol_error', (_m, send) => send({ t: 'hello' })],
  ];
  for (const [what, code, behaviour] of cases) {
    it(`an answer ${what} is refused with ${code}, the connection is closed, the job fails and nothing is recorded`, async () => {
      const { id, key } = await addStationKey(s);
      const fake = await fakeStation(s, key, behaviour);
      const r = await s.api('POST', '/v1/issuance/personalisations', s.officerToken, { stationId: id, reader: 'desk', nationalId: 'NOBODY01' });
      assert.equal(r.body['code'], code, JSON.stringify(r.body));
      assert.equal(r.status, 502);
      const closed = await fake.closed;
      assert.deepEqual(closed, { code: 4002, reason: code });
      const jobs = await s.service.db.query<{ status: string; last_error: string; issuance_job_id: string | null }>('SELECT status, last_error, issuance_job_id FROM station_jobs WHERE station_id = $1', [id]);
      assert.deepEqual(jobs, [{ status: 'failed', last_error: code, issuance_job_id: null }]);
    });
  }

  it('a station cannot answer for a job it was not given: another station’s job runs on, the intruder is cut off', async () => {
    const st = await startStation(s, { readers: ['desk 1'] });
    const { card } = await blankCard(s);
    await st.readers.insert('desk 1', card);
    await waitForCardReported(s, st.id, 'desk 1');
    const stockJob = await s.api('POST', '/v1/issuance/stock', s.officerToken, { stationId: st.id, reader: 'desk 1' });
    await waitForJob(s, stockJob.body['jobId'] as string);
    await s.api('POST', '/v1/issuance/citizens', s.officerToken, { nationalId: 'INTRUDE01', surname: 'Chan', givenName: 'Dara', birthDate: '1990-01-01' });
    const { key } = await addStationKey(s);
    const intruder = await fakeStation(s, key, () => undefined);
    const r = await s.api('POST', '/v1/issuance/personalisations', s.officerToken, { stationId: st.id, reader: 'desk 1', nationalId: 'INTRUDE01' });
    assert.equal(r.status, 202);
    for (let seq = 1; seq < 40; seq++) intruder.ws.send(JSON.stringify({ t: 'rapdu', job: r.body['jobId'], seq, rapdu: 'kAA=' }));
    assert.deepEqual(await intruder.closed, { code: 4002, reason: 'station_relay_other_job' });
    const job = await waitForJob(s, r.body['jobId'] as string);
    assert.equal(job['status'], 'completed', JSON.stringify(job));
    await st.agent.stop();
  });

  it('disabling a station cuts its open connection at once; its key is refused afterwards', async () => {
    const st = await startStation(s, { readers: ['desk'] });
    const d = await s.api('POST', `/v1/stations/${st.id}/disable`, s.adminToken, {});
    assert.equal(d.status, 200);
    assert.equal(d.body['status'], 'disabled');
    assert.deepEqual(await st.agent.stopped, { reason: 'refused', code: 'station_disabled' });
    const again = runStationAgent({ server: s.base, key: st.key, readers: new InProcessReaders(['desk']), cardholderFor: () => { throw new Error('unused'); }, log: createLogger({ level: 'error' }), reconnect: false });
    await assert.rejects(again.connected, (e: { code?: string }) => e.code === 'station_disabled');
  });

  it('rotating a station key cuts the connection opened with the old key; the old key is refused, the new one works', async () => {
    const st = await startStation(s, { readers: ['desk'] });
    const r = await s.api('POST', `/v1/stations/${st.id}/rotate`, s.adminToken, {});
    assert.equal(r.status, 200);
    const fresh = r.body['key'] as string;
    assert.notEqual(fresh, st.key);
    assert.deepEqual(await st.agent.stopped, { reason: 'refused', code: 'station_unauthorized' });
    await assert.rejects(st.restart(st.key), (e: { code?: string }) => e.code === 'station_unauthorized');
    const a = await st.restart(fresh);
    await a.stop();
  });

  it('a station disabled by another process (straight in the registry) is cut off by the re-check', async () => {
    const st = await startStation(s, { readers: ['desk'] });
    await setStationStatus(s.service.db, st.id, 'disabled', 'other-process', new Date());
    assert.deepEqual(await st.agent.stopped, { reason: 'refused', code: 'station_disabled' });
  });

  it('an officer’s token is no station key, and a station key is no staff token', async () => {
    const viaToken = runStationAgent({
      server: s.base,
      key: s.officerToken,
      readers: new InProcessReaders(['desk']),
      cardholderFor: (_r, c) => localCardholder(c, scriptedPinPad('250871'), capturingPukDisplay()),
      log: createLogger({ level: 'error' }),
      reconnect: false,
    });
    await assert.rejects(viaToken.connected, (e: { code?: string }) => e.code === 'station_unauthorized');
    const { key } = await addStationKey(s);
    const asStaff = await s.api('GET', '/v1/stations', key);
    assert.equal(asStaff.status, 401);
    assert.equal(asStaff.body['code'], 'staff_session_invalid');
    const plain = await s.api('GET', '/v1/stations/connect', key);
    assert.equal(plain.status, 426);
    assert.equal(plain.body['code'], 'upgrade_required');
    const staffThere = await s.api('GET', '/v1/stations/connect', s.officerToken);
    assert.equal(staffThere.body['code'], 'station_unauthorized');
  });
});
