// The status epoch (migration 023) on both backends: a new certificate and
// a status change move it; watchStatusEpoch reports the move, stays quiet
// without one, and keeps polling through a failed read.
import assert from 'node:assert/strict';
import { setCertificatesStatus } from '../../src/registry/index.js';
import type { Sql } from '../../src/registry/sql.js';
import { watchStatusEpoch } from '../../src/registry/status-epoch.js';
import { issueCard, makeCa, registerCard, type TestCa } from '../auth/support/fixture.js';
import { waitFor } from '../support/pcsc.js';
import { backends, resetRegistry, useDatabase } from './support/backends.js';

describe('registry status epoch', function () {
  this.timeout(120_000);
  let ca: TestCa;
  before(async () => {
    ca = await makeCa();
  });
  after(async () => ca?.cleanup());

  for (const kind of backends) {
    describe(kind, () => {
      const h = useDatabase(kind);
      beforeEach(() => resetRegistry(h.db));

      const epoch = async () => Number((await h.db.query<{ n: string }>('SELECT n FROM status_epoch'))[0]!.n);

      it('moves with a new certificate and with a status change, in the changing transaction', async () => {
        const e0 = await epoch();
        const card = await issueCard(ca.ca);
        await registerCard(h.db, card);
        const e1 = await epoch();
        assert.ok(e1 > e0);
        await setCertificatesStatus(h.db, card.cardSerial, ['good'], { status: 'hold' }, { actor: 't', action: 'card.suspend' }, new Date());
        const e2 = await epoch();
        assert.ok(e2 > e1);
        await assert.rejects(
          h.db.transaction(async (tx) => {
            await setCertificatesStatus(tx, card.cardSerial, ['hold'], { status: 'good' }, { actor: 't', action: 'card.resume' }, new Date());
            throw new Error('rolled back');
          }),
          /rolled back/,
        );
        assert.equal(await epoch(), e2, 'a rolled-back change leaves no trace');
      });

      it('watchStatusEpoch calls onChange after a change elsewhere, and only then', async () => {
        let polls = 0;
        let failNext = false;
        const counting: Sql = {
          query: (text, params, options) => {
            polls++;
            if (failNext) {
              failNext = false;
              return Promise.reject(new Error('database unreachable'));
            }
            return h.db.query(text, params, options);
          },
          transaction: (fn) => h.db.transaction(fn),
          exec: (script) => h.db.exec(script),
        };
        let changes = 0;
        const errors: unknown[] = [];
        const watch = watchStatusEpoch(counting, { intervalMs: 10, onChange: () => changes++, onError: (e) => errors.push(e) });
        try {
          await waitFor(() => polls >= 3, { what: 'three polls' });
          assert.equal(changes, 0);
          failNext = true;
          await waitFor(() => errors.length === 1 && polls >= 6, { what: 'polls after a failed read' });
          assert.equal(changes, 0);
          await registerCard(h.db, await issueCard(ca.ca));
          await waitFor(() => changes === 1, { what: 'onChange after a new certificate' });
        } finally {
          watch.stop();
        }
      });
    });
  }
});
