// Control characters in free text: a NUL reaching PostgreSQL is refused by
// the server (SQLSTATE 22021) and answered 500 if nothing stops it first.
// Every free-text field of the staff and issuance routes refuses C0/C1
// control characters at its schema: 400 invalid_request naming the field,
// whoever sends it (signed in or not). Behind that, the registry maps 22021
// itself to registry_invalid (400), the second line for any caller that
// skips a schema. The whole service on PostgreSQL.
import assert from 'node:assert/strict';
import request from 'supertest';
import { isRegistryError } from '../../src/registry/codes.js';
import { PostgresDatabase } from '../../src/registry/postgres.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { startInProcessService, type InProcessService } from '../support/service-app.js';

describe('control characters in free-text fields (staff and issuance routes, PostgreSQL)', function () {
  this.timeout(120_000);
  let pg: TestPostgres;
  let s: InProcessService;
  let officer: string;
  let supervisor: string;

  before(async () => {
    pg = await startPostgres();
    s = await startInProcessService({ databaseUrl: pg.url });
    officer = await s.signIn('officer');
    supervisor = await s.signIn('supervisor');
  });
  after(async () => {
    await s?.close();
    await pg?.stop();
  });

  const refused = (r: request.Response, field: string) => {
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.code, 'invalid_request');
    assert.match(String(r.headers['content-type']), /application\/problem\+json/);
    assert.ok(
      (r.body.issues as Array<{ path: string; reason?: string }>).some((i) => i.path === field && i.reason === 'control_character'),
      JSON.stringify(r.body.issues),
    );
  };

  it('POST /v1/staff/login with a NUL in the username (no session needed)', async () => {
    refused(await request(s.service.app).post('/v1/staff/login').send({ username: 'a\u0000b', password: 'x' }), 'username');
  });

  it('GET /v1/issuance/citizens?surname=%00', async () => {
    refused(await request(s.service.app).get('/v1/issuance/citizens?surname=%00').set('Authorization', `Bearer ${officer}`), 'surname');
  });

  it('POST /v1/staff/approvals with a NUL in the subject or the reason', async () => {
    const post = (body: object) => request(s.service.app).post('/v1/staff/approvals').set('Authorization', `Bearer ${officer}`).send(body);
    refused(await post({ action: 'pin-reset', subject: 'card:\u00001' }), 'subject');
    refused(await post({ action: 'pin-reset', subject: 'card:1', reason: 'lost\u0000' }), 'reason');
  });

  it('POST /v1/issuance/cards/{serial}/suspend with a NUL in the note; other C0 and C1 characters too', async () => {
    const suspend = (note: string) => request(s.service.app).post('/v1/issuance/cards/62000001/suspend').set('Authorization', `Bearer ${supervisor}`).send({ note });
    for (const c of ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u009b']) refused(await suspend(`lost ${c} card`), 'note');
    // Ordinary text, line breaks included, still reaches the registry (no such card: 404).
    const fine = await suspend('lost at the market\nreported by phone');
    assert.equal(fine.status, 404, JSON.stringify(fine.body));
  });

  it('the registry maps SQLSTATE 22021 (a NUL for PostgreSQL) to registry_invalid', async () => {
    const db = new PostgresDatabase(pg.url);
    try {
      await assert.rejects(db.query('SELECT $1::text AS t', ['a\u0000b']), (e: unknown) => isRegistryError(e, 'registry_invalid'));
    } finally {
      await db.close();
    }
  });
});
