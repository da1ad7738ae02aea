// Card + PIN authentication end to end through real pcscd, with the terminal
// client at the centre: a citizen's card personalised by the issuance engine
// (src/issuance, over PC/SC, on the same PostgreSQL registry the service
// reads); an RP registered; the RP creates a challenge for 25,000.00 KHR to a
// named payee over HTTP; `cardauth terminal` (a child process, PIN on
// standard input) completes it; the RP verifies the JWS offline with npm
// `jose` and /.well-known/jwks.json; then the card is revoked through the
// issuance lifecycle and the next attempt fails with card_revoked; three wrong
// PINs block the card and the terminal reports it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { PcscReaders } from '../../src/card/pcsc/index.js';
import { enrolCitizen } from '../../src/issuance/enrol-citizen.js';
import { createIssuanceEngine } from '../../src/issuance/engine/run-job.js';
import { revokeCard } from '../../src/issuance/lifecycle/change-status.js';
import { sqlIssuanceRegistry } from '../../src/issuance/store/sql-registry.js';
import { receiveStock } from '../../src/registry/index.js';
import { MemoryStore } from '../../src/store/memory.js';
import { systemClock } from '../../src/util/clock.js';
import { addRp, buildApp, openRegistry, type Registry, type TestApp } from '../auth/support/fixture.js';
import {
  TestApprovals,
  attestationCertOf,
  blankCard,
  capturingPukDisplay,
  makeFixture,
  officer,
  openCard,
  scriptedPinPad,
  supervisor,
  type IssuanceFixture,
} from '../issuance/support/fixture.js';
import { acquireReader, startSimCard, type ReaderLease, type SimCardProcess } from '../support/pcsc.js';
import { cardauth } from '../support/run-bin.js';
import { localCardholder } from '../../src/issuance/cardholder/local.js';

const TERMINAL = 'branch-12-counter-3';
const CITIZEN_PIN = '730418';

describe('e2e acceptance (terminal): engine-issued card, RP challenge for 25,000.00 KHR, cardauth terminal, jose, revocation, blocking', function () {
  this.timeout(300_000);
  let reg: Registry;
  let f: IssuanceFixture;
  let t: TestApp;
  let http: Server;
  let base: string;
  let rpKey: string;
  let rpId: string;
  let lease: ReaderLease;
  let sim: SimCardProcess;
  let serial: number;
  const approvals = new TestApprovals();

  before(async () => {
    reg = await openRegistry();
    f = await makeFixture({ registry: sqlIssuanceRegistry(reg.db) });
    t = await buildApp({ ca: f.ca, db: reg.db, store: new MemoryStore(), clock: systemClock });
    http = t.app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => http.once('listening', () => r()));
    base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;

    // Issuance office: enrol, take a blank card into stock, personalise it over PC/SC.
    await enrolCitizen(f.deps, { nationalId: 'KH0730418', surname: 'Chan', givenName: 'Sreymom', birthDate: '1988-07-30' }, officer);
    const blank = await blankCard(f);
    serial = blank.serial;
    {
      const { channel } = await openCard(blank.file);
      await receiveStock(reg.db, { serial: blank.serial, manufacturer: 'firmware-sim', attestationCertDer: await attestationCertOf(channel) }, 'stock-clerk', new Date());
      await channel.close();
    }
    lease = await acquireReader();
    sim = await startSimCard({ cardFile: blank.file, port: lease.port });
    const readers = await PcscReaders.open();
    try {
      const channel = await readers.connect(sim.readerName, { shareMode: 'exclusive' });
      const r = await createIssuanceEngine(f.deps).personalise({
        channel,
        nationalId: 'KH0730418',
        options: {},
        actor: officer,
        cardholder: localCardholder(channel, scriptedPinPad(CITIZEN_PIN), capturingPukDisplay()),
      });
      assert.equal(r.status, 'active');
      await channel.close({ disposition: 'reset' });
    } finally {
      await readers.close();
    }

    const rp = await addRp(reg.db, { terminals: [TERMINAL] });
    rpKey = rp.credential.token;
    rpId = rp.rp.id;
  });

  after(async () => {
    await sim?.stop().catch(() => undefined);
    await lease?.release();
    await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
    await f?.cleanup();
    await reg?.close();
  });

  async function attempt(pinLines: string): Promise<{ code: number | null; stdout: string; stderr: string; challenge: Record<string, unknown> }> {
    // The RP back end creates the challenge and hands it to its terminal.
    const res = await fetch(`${base}/v1/auth/challenges`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rpKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ terminalId: TERMINAL, transaction: { amount: '25000.00', currency: 'KHR', payee: 'Electricité du Cambodge', reference: 'EDC-2026-11-0042' } }),
    });
    assert.equal(res.status, 201);
    const challenge = (await res.json()) as Record<string, unknown>;
    const file = join(f.dir, `challenge-${String(challenge.id)}.json`);
    writeFileSync(file, JSON.stringify(challenge));
    const r = await cardauth(
      ['terminal', '--reader', sim.readerName, '--server', base, '--challenge-file', file, '--terminal-id', TERMINAL, '--card-timeout', '30'],
      { CARDAUTH_RP_KEY: rpKey },
      pinLines,
    );
    return { ...r, challenge };
  }

  it('the terminal completes the challenge with the citizen\'s PIN and the RP verifies the result offline with jose', async () => {
    const r = await attempt(`${CITIZEN_PIN}\n`);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Amount: +25,000\.00 KHR/);
    assert.match(r.stdout, /Payee: +Electricité du Cambodge/);
    const jws = /^result: (\S+)$/m.exec(r.stdout)?.[1];
    assert.ok(jws);
    // Offline: the key set fetched once, then only jose's own code.
    const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(jws, createLocalJWKSet(jwks), { audience: rpId, algorithms: ['ES256'] });
    assert.equal(payload.jti, r.challenge.id);
    assert.equal(payload.card_serial, String(serial));
    assert.equal(payload.pinVerified, 'on-card');
    assert.deepEqual(payload.txn, { amount: '25000.00', currency: 'KHR', payee: 'Electricité du Cambodge', reference: 'EDC-2026-11-0042' });
    assert.ok(!(r.stdout + r.stderr + t.log.text()).includes(CITIZEN_PIN), 'the PIN is in no output and no service log');
  });

  it('after the card is revoked, the next attempt fails with card_revoked', async () => {
    await revokeCard({ registry: f.deps.registry, clock: systemClock, approvals }, serial as never, 'affiliationChanged', supervisor);
    const r = await attempt(`${CITIZEN_PIN}\n`);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^error: card_revoked$/m);
  });

  it('three wrong PINs block the card and the terminal reports it', async () => {
    const r = await attempt('000000\n111111\n222222\n');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /Wrong PIN\. 2 tries left\./);
    assert.match(r.stdout, /Wrong PIN\. 1 try left/);
    assert.match(r.stdout, /Your PIN is blocked\. Unblock it with your PUK at an issuance office/);
    assert.match(r.stderr, /^error: pin_blocked$/m);
  });
});
