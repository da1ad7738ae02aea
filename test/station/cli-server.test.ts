// The CLI against a running service (--server): station administration,
// staff and enrolment over the API, and the card commands as a one-shot
// station (issue, stock receive, card activate) with a firmware-sim card
// file, the PIN from standard input. In-process (main() with a test io) against
// buildService on PostgreSQL.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { cliIo } from '../support/cli-io.js';
import { blankCard, startStationService, type StationService } from './support/service.js';

async function cardauth(args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const io = cliIo(env);
  (io.stdin as PassThrough).end(stdin);
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('cardauth --server: stations, staff, enrolment and one-shot station jobs over the API', function () {
  this.timeout(120_000);
  let s: StationService;
  before(async () => {
    s = await startStationService();
  });
  after(async () => {
    await s?.close();
  });

  it('station add / list / rotate / disable by an admin; an officer may list but not add', async () => {
    const admin = { CARDAUTH_SERVER: s.base, CARDAUTH_STAFF_TOKEN: s.adminToken };
    const added = await cardauth(['station', 'add', '--name', 'CLI desk'], admin);
    assert.equal(added.code, 0, added.err);
    const id = /^station CLI desk: (stn_\S+)$/m.exec(added.out)![1]!;
    assert.match(added.out, /^key \(shown once.*\): stn_\S+\.\S{43}$/m);
    const listed = await cardauth(['station', 'list'], { CARDAUTH_SERVER: s.base, CARDAUTH_STAFF_TOKEN: s.officerToken });
    assert.equal(listed.code, 0, listed.err);
    assert.match(listed.out, new RegExp(`^${id}  CLI desk  active  offline \\(last seen never\\)$`, 'm'));
    const byOfficer = await cardauth(['station', 'add', '--name', 'nope'], { CARDAUTH_SERVER: s.base, CARDAUTH_STAFF_TOKEN: s.officerToken });
    assert.equal(byOfficer.code, 1);
    assert.match(byOfficer.err, /\[staff_forbidden\]/);
    const rotated = await cardauth(['station', 'rotate', id], admin);
    assert.match(rotated.out, /^new key .*: stn_/m);
    const disabled = await cardauth(['station', 'disable', id], admin);
    assert.equal(disabled.out, 'station CLI desk disabled\n');
    const audit = await s.service.db.query<{ action: string }>('SELECT action FROM audit_log WHERE subject = $1 ORDER BY seq', [`station:${id}`]);
    assert.deepEqual(audit.map((a) => a.action), ['station.add', 'station.rotate', 'station.disable']);
  });

  it('staff and enrol over the API', async () => {
    const admin = { CARDAUTH_SERVER: s.base, CARDAUTH_STAFF_TOKEN: s.adminToken };
    const who = await cardauth(['staff', 'whoami'], admin);
    assert.equal(who.out, 'root (admin) Root\n');
    const add = await cardauth(['staff', 'add', '--username', 'sam', '--role', 'supervisor', '--display-name', 'Sam Supervisor'], admin, 'a long enough supervisor password 9\n');
    assert.equal(add.code, 0, add.err);
    const login = await cardauth(['staff', 'login', '--username', 'sam', '--server', s.base], {}, 'a long enough supervisor password 9\n');
    assert.equal(login.code, 0, login.err);
    assert.match(login.out, /^\S{20,}\n$/);
    assert.match((await cardauth(['staff', 'list'], admin)).out, /^sam\tsupervisor\tactive\tSam Supervisor$/m);
    const enrolled = await cardauth(['enrol', '--national-id', 'CLI000001', '--surname', 'Chan', '--given-name', 'Dara', '--birth-date', '1991-02-03'], { CARDAUTH_SERVER: s.base, CARDAUTH_STAFF_TOKEN: s.officerToken });
    assert.equal(enrolled.out, 'enrolled CHAN, Dara (national ID CLI000001)\n', enrolled.err);
  });

  it('stock receive, issue --on-hold and card activate as a one-shot station: PIN from standard input, PUK printed once', async () => {
    const r = await s.api('POST', '/v1/stations', s.adminToken, { name: 'one-shot desk' });
    const { serial, file } = await blankCard(s);
    const station = { CARDAUTH_SERVER: s.base, CARDAUTH_STATION_KEY: r.body['key'] as string, CARDAUTH_STAFF_TOKEN: s.officerToken };
    const stocked = await cardauth(['stock', 'receive', '--sim-card', file], station);
    assert.equal(stocked.code, 0, stocked.err);
    assert.equal(stocked.out, `card ${serial} received into stock\n`);
    assert.equal((await s.api('POST', '/v1/issuance/citizens', s.officerToken, { nationalId: 'CLI000002', surname: 'Chan', givenName: 'Mealea', birthDate: '1992-03-04' })).status, 201);
    const issued = await cardauth(['issue', '--sim-card', file, '--national-id', 'CLI000002', '--on-hold'], station, '314159\n');
    assert.equal(issued.code, 0, issued.err);
    assert.match(issued.out, /^PUK for the citizen \(shown once, not stored\): \d{8}$/m);
    assert.match(issued.out, new RegExp(`^card ${serial} issued on hold`, 'm'));
    assert.match(issued.err, /\[10\/10\] done/);
    assert.equal((await s.api('GET', `/v1/issuance/cards/${serial}`, s.officerToken)).body['status'], 'pending_activation');
    const wrong = await cardauth(['card', 'activate', String(serial), '--sim-card', file], station, '000000\n');
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /\[lifecycle_wrong_pin\]/);
    const activated = await cardauth(['card', 'activate', '--sim-card', file], station, '314159\n');
    assert.equal(activated.code, 0, activated.err);
    assert.equal(activated.out, `card ${serial} active\n`);
    const shown = await cardauth(['card', 'show', String(serial)], { CARDAUTH_SERVER: s.base, CARDAUTH_STAFF_TOKEN: s.officerToken });
    assert.match(shown.out, new RegExp(`^card ${serial} active `));
  });

  it('without a station key, a card command with --server says so before doing anything', async () => {
    const r = await cardauth(['issue', '--sim-card', '/nonexistent.json', '--national-id', 'X'], { CARDAUTH_SERVER: s.base, CARDAUTH_STAFF_TOKEN: s.officerToken });
    assert.equal(r.code, 2);
    assert.match(r.err, /\[station_key_missing\]/);
  });
});
