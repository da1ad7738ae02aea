// The CardStatusLookup adapter on both registry backends (PostgreSQL and the
// embedded PGlite): good / hold / revoked / unknown / attestation, citizen
// attributes (a closed database: test/auth/http.test.ts, 503).
import assert from 'node:assert/strict';
import { registryCardStatus } from '../../src/auth/adapters/registry-status.js';
import { setCardStatus, setCertificatesStatus } from '../../src/registry/index.js';
import { backends, useDatabase } from '../registry/support/backends.js';
import { issueCard, makeCa, registerCard, type TestCa } from './support/fixture.js';

describe('registry card status adapter', function () {
  this.timeout(120_000);
  let ca: TestCa;
  before(async () => {
    ca = await makeCa();
  });
  after(async () => ca?.cleanup());

  for (const kind of backends) {
    describe(kind, () => {
      const h = useDatabase(kind);

      it('reads status, attestation and citizen attributes in one lookup', async () => {
        const lookup = registryCardStatus(h.db);
        const card = await issueCard(ca.ca);
        await registerCard(h.db, card);
        const s = await lookup.byCertificateSerial(card.serialHex);
        assert.deepEqual(
          { ...s, citizen: { ...s!.citizen, citizenId: 'x' } },
          {
            certStatus: 'good',
            cardStatus: 'active',
            cardSerial: card.cardSerial,
            attested: true,
            citizen: { citizenId: 'x', nationalId: card.nationalId, surname: 'SOK', givenName: 'Dara', birthDate: '1990-04-17', country: 'KH' },
          },
        );
        await setCertificatesStatus(h.db, card.cardSerial, ['good'], { status: 'hold' }, { actor: 't', action: 'card.suspend' }, new Date());
        assert.equal((await lookup.byCertificateSerial(card.serialHex))?.certStatus, 'hold');
        await setCertificatesStatus(h.db, card.cardSerial, ['hold'], { status: 'revoked', reason: 'keyCompromise' }, { actor: 't', action: 'card.revoke' }, new Date());
        await setCardStatus(h.db, card.cardSerial, ['active'], 'revoked', { actor: 't', action: 'card.revoke' }, new Date());
        const r = await lookup.byCertificateSerial(card.serialHex);
        assert.equal(r?.certStatus, 'revoked');
        assert.equal(r?.cardStatus, 'revoked');
      });

      it('concurrent lookups share one statement and each gets its own certificate', async () => {
        let statements = 0;
        const lookup = registryCardStatus({
          query: (text, params) => {
            statements++;
            return h.db.query(text, params);
          },
          transaction: (fn) => h.db.transaction(fn),
          exec: (script) => h.db.exec(script),
        });
        const cards = await Promise.all([issueCard(ca.ca), issueCard(ca.ca), issueCard(ca.ca)]);
        for (const c of cards) await registerCard(h.db, c);
        await setCertificatesStatus(h.db, cards[1]!.cardSerial, ['good'], { status: 'hold' }, { actor: 't', action: 'card.suspend' }, new Date());
        const got = await Promise.all([...cards.map((c) => lookup.byCertificateSerial(c.serialHex)), lookup.byCertificateSerial('0badc0de')]);
        assert.deepEqual(got.map((g) => g?.cardSerial), [...cards.map((c) => c.cardSerial), undefined]);
        assert.deepEqual(got.map((g) => g?.certStatus), ['good', 'hold', 'good', undefined]);
        assert.deepEqual(got.map((g) => g?.citizen.nationalId), [...cards.map((c) => c.nationalId), undefined]);
        assert.equal(statements, 1);
      });

      it('prepareAs keeps the statement prepared on the connection (PostgreSQL), and is harmless on PGlite', async () => {
        await h.db.transaction(async (tx) => {
          const text = 'SELECT $1::text AS v';
          assert.deepEqual(await tx.query(text, ['a'], { prepareAs: 'test_prepared_v' }), [{ v: 'a' }]);
          assert.deepEqual(await tx.query(text, ['b'], { prepareAs: 'test_prepared_v' }), [{ v: 'b' }]);
          const prepared = await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name = 'test_prepared_v'");
          assert.equal(prepared[0]!.n, kind === 'postgres' ? 1 : 0);
        });
      });

      it('unknown serial → undefined; no attestation → attested false', async () => {
        const lookup = registryCardStatus(h.db);
        assert.equal(await lookup.byCertificateSerial('0badc0de'), undefined);
        assert.equal(await lookup.byCertificateSerial("'; DROP TABLE cards; --"), undefined);
        const card = await issueCard(ca.ca);
        await registerCard(h.db, card, { attested: false });
        assert.equal((await lookup.byCertificateSerial(card.serialHex))?.attested, false);
      });
    });
  }
});
