// The service's side of the relay without a socket: each answer is matched
// to the one request outstanding for its job, in the order of checks the
// protocol gives; a violation stops every job on the connection and closes it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { StationConnection } from '../../src/station/relay/station-connection.js';
import { silentLogger } from '../../src/util/log.js';

function connection() {
  const sent: Record<string, unknown>[] = [];
  const closed: { code: number; reason: string }[] = [];
  const c = new StationConnection({ id: 'stn_AAAAAAAAAAAAAAAAAAAAAA', name: 't', status: 'active', createdAt: new Date(), lastSeenAt: undefined }, {
    send: (t) => void sent.push(JSON.parse(t) as Record<string, unknown>),
    close: (code, reason) => void closed.push({ code, reason }),
  }, silentLogger);
  return { c, sent, closed };
}

const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;

describe('station relay: matching answers to requests', () => {
  it('numbers each job’s requests from 1 and hands each answer to its request', async () => {
    const { c, sent } = connection();
    const job = randomUUID();
    c.beginJob(job);
    const opened = c.request(job, { t: 'open', reader: 'r' }, 1000);
    assert.deepEqual(sent.at(-1), { t: 'open', reader: 'r', job, seq: 1 });
    c.receive(JSON.stringify({ t: 'opened', job, seq: 1, atr: '' }));
    assert.equal((await opened).t, 'opened');
    const apdu = c.request(job, { t: 'apdu', apdu: 'AKQEAA==' }, 1000);
    assert.equal(sent.at(-1)!['seq'], 2);
    c.receive(JSON.stringify({ t: 'rapdu', job, seq: 2, rapdu: 'kAA=' }));
    assert.deepEqual(await apdu, { t: 'rapdu', job, seq: 2, rapdu: 'kAA=' });
  });

  it('a failure answer becomes the error of its code; a code the request cannot have is a violation', async () => {
    const { c, closed } = connection();
    const job = randomUUID();
    c.beginJob(job);
    const p = c.request(job, { t: 'apdu', apdu: 'AA==' }, 1000);
    c.receive(JSON.stringify({ t: 'failed', job, seq: 1, code: 'card_removed', message: 'gone' }));
    await assert.rejects(p, code('card_removed'));
    const step = c.request(job, { t: 'step', step: 'verify-pin' }, 1000);
    c.receive(JSON.stringify({ t: 'failed', job, seq: 2, code: 'lifecycle_wrong_pin', message: 'wrong', triesLeft: 2 }));
    await assert.rejects(step, (e: unknown) => code('lifecycle_wrong_pin')(e) && (e as { detail?: { triesLeft?: number } }).detail?.triesLeft === 2);
    const odd = c.request(job, { t: 'step', step: 'choose-pin' }, 1000);
    c.receive(JSON.stringify({ t: 'failed', job, seq: 3, code: 'internal_error', message: 'x' }));
    await assert.rejects(odd, code('station_protocol_error'));
    assert.deepEqual(closed, [{ code: 4002, reason: 'station_protocol_error' }]);
  });

  for (const [what, answer, expected] of [
    ['replayed', (job: string) => ({ t: 'opened', job, seq: 1, atr: '' }), 'station_relay_replayed'],
    ['ahead of the request', (job: string) => ({ t: 'rapdu', job, seq: 3, rapdu: 'kAA=' }), 'station_relay_out_of_order'],
    ['for a job not on this connection', () => ({ t: 'rapdu', job: randomUUID(), seq: 2, rapdu: 'kAA=' }), 'station_relay_other_job'],
    ['of the wrong kind', (job: string) => ({ t: 'opened', job, seq: 2, atr: '' }), 'station_protocol_error'],
  ] as const) {
    it(`an answer ${what} is refused with ${expected}: every job stops, the connection is closed, nothing more is read`, async () => {
      const { c, closed } = connection();
      const job = randomUUID();
      const other = randomUUID();
      c.beginJob(job);
      c.beginJob(other);
      const o = c.request(job, { t: 'open', reader: 'r' }, 1000);
      c.receive(JSON.stringify({ t: 'opened', job, seq: 1, atr: '' }));
      await o;
      const pending = c.request(job, { t: 'apdu', apdu: 'AA==' }, 1000);
      const elsewhere = c.request(other, { t: 'open', reader: 'q' }, 1000);
      c.receive(JSON.stringify(answer(job)));
      await assert.rejects(pending, code(expected));
      await assert.rejects(elsewhere, code(expected));
      assert.deepEqual(closed, [{ code: 4002, reason: expected }]);
      assert.equal(c.isOpen, false);
      await assert.rejects(c.request(job, { t: 'apdu', apdu: 'AA==' }, 1000), code(expected));
    });
  }

  it('a request not answered in time fails station_timeout; its late answer is then for a job no longer there', async () => {
    const { c, closed } = connection();
    const job = randomUUID();
    c.beginJob(job);
    await assert.rejects(c.request(job, { t: 'open', reader: 'r' }, 20), code('station_timeout'));
    c.receive(JSON.stringify({ t: 'opened', job, seq: 1, atr: '' }));
    assert.deepEqual(closed, [{ code: 4002, reason: 'station_relay_other_job' }]);
  });

  it('the end of the connection fails the outstanding requests with station_disconnected', async () => {
    const { c } = connection();
    const job = randomUUID();
    c.beginJob(job);
    const p = c.request(job, { t: 'open', reader: 'r' }, 1000);
    c.end();
    await assert.rejects(p, code('station_disconnected'));
  });
});
