// A hung PostgreSQL must not hang the authentication API. With the registry's
// server frozen (SIGSTOP on the postmaster and its backends: TCP accepted,
// nothing answered), a challenge creation and a card response sent at the
// start of the freeze are answered 503 `unavailable` (problem+json) while the
// server is still frozen, and once it thaws the same signed response
// completes its challenge (it was put back, not lost) and new challenges
// work — without a restart. The service's default deadlines are used.
import assert from 'node:assert/strict';
import request from 'supertest';
import { migrate } from '../../src/registry/migrate.js';
import { PostgresDatabase } from '../../src/registry/postgres.js';
import { MemoryStore } from '../../src/store/memory.js';
import { systemClock } from '../../src/util/clock.js';
import { addRp, buildApp, cardSignInput, issueCard, makeCa, registerCard, type TestApp, type TestCa, type TestCard } from '../auth/support/fixture.js';
import { startFaultPostgres, type FaultService } from '../support/fault-services.js';

const BOUND_MS = 20_000;
const txn = { amount: '1000.00', currency: 'KHR', payee: 'Frozen Registry Test' };

describe('faults: PostgreSQL frozen under the authentication API', function () {
  this.timeout(120_000);
  let pg: FaultService;
  let db: PostgresDatabase;
  let ca: TestCa;
  let card: TestCard;
  let t: TestApp;
  let bearer: string;

  before(async () => {
    [pg, ca] = await Promise.all([startFaultPostgres(), makeCa()]);
    db = new PostgresDatabase(pg.url);
    await migrate(db);
    card = await issueCard(ca.ca);
    await registerCard(db, card);
    t = await buildApp({ ca: ca.ca, db, store: new MemoryStore(systemClock), clock: systemClock });
    bearer = (await addRp(db)).bearer;
  });
  after(async () => {
    pg?.thaw();
    await db?.close();
    await pg?.stop();
    await ca?.cleanup();
  });

  const createChallenge = () => request(t.app).post('/v1/auth/challenges').set('Authorization', bearer).send({ terminalId: 'atm-1', transaction: txn });
  const answer = (ch: { signingInput: { input: string }; terminalId: string }) => ({
    terminalId: ch.terminalId,
    certificate: card.der.toString('base64'),
    signature: cardSignInput(card, ch.signingInput.input).toString('base64'),
    triesLeft: 3,
  });

  it('answers 503 unavailable during the freeze, then completes the same response after it', async () => {
    const ready = await createChallenge();
    assert.equal(ready.status, 201, JSON.stringify(ready.body));
    const body = answer(ready.body);

    pg.freeze();
    let timer: NodeJS.Timeout | undefined;
    try {
      const calls = Promise.all([createChallenge(), request(t.app).post(`/v1/auth/challenges/${ready.body.id}/response`).set('Authorization', bearer).send(body)]);
      const bound = new Promise<'bound'>((r) => (timer = setTimeout(() => r('bound'), BOUND_MS)));
      const got = await Promise.race([calls, bound]);
      assert.notEqual(got, 'bound', `no answer within ${BOUND_MS} ms while PostgreSQL was frozen`);
      assert.ok(pg.frozen, 'answered while PostgreSQL was still frozen');
      for (const r of got as Awaited<typeof calls>) {
        assert.equal(r.status, 503, JSON.stringify(r.body));
        assert.equal(r.body.code, 'unavailable');
        assert.match(String(r.headers['content-type']), /application\/problem\+json/);
      }
    } finally {
      clearTimeout(timer);
      pg.thaw();
    }

    // Recovery without a restart: the signed response completes its challenge.
    let done: request.Response | undefined;
    for (let i = 0; i < 50 && done?.status !== 200; i++) {
      done = await request(t.app).post(`/v1/auth/challenges/${ready.body.id}/response`).set('Authorization', bearer).send(body);
      if (done.status !== 200) {
        assert.equal(done.status, 503, JSON.stringify(done.body));
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.equal(done?.status, 200, JSON.stringify(done?.body));
    const fresh = await createChallenge();
    assert.equal(fresh.status, 201);
  });
});
