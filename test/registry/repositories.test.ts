// Repositories over both backends: typed errors for constraint violations, the
// rules the schema enforces itself (migrations 002–006), certificate status for
// the CA (OCSP / CRL ports), audited changes.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isRegistryError } from '../../src/registry/codes.js';
import {
  cardBySerial,
  cardsExpiredBy,
  certificateStatus,
  certificatesOfCard,
  citizenByNationalId,
  insertCard,
  insertCertificate,
  insertCitizen,
  insertJob,
  listRevokedOrHeld,
  liveCardOf,
  openJobOfCard,
  readAuditLog,
  receiveStock,
  searchCitizens,
  setCardStatus,
  setCertificatesStatus,
  setStockStatus,
  SqlCrlNumber,
  updateJobIfVersion,
  verifyAuditChain,
} from '../../src/registry/index.js';
import { backends, resetRegistry, useDatabase } from './support/backends.js';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const YEAR = 365 * 24 * 3600 * 1000;
const fakeDer = (n: number) => new Uint8Array(200).fill(n);

for (const kind of backends) {
  describe(`registry repositories (${kind})`, () => {
    const h = useDatabase(kind);
    beforeEach(() => resetRegistry(h.db));

    const citizen = (nationalId = 'KH0012345') =>
      insertCitizen(h.db, { nationalId, surname: 'Sok', givenName: 'Dara', birthDate: '1990-05-17', country: 'KH' }, 'staff:1', T0);

    async function issuedCard(serial = 1001, nationalId = 'KH0012345') {
      const c = (await citizenByNationalId(h.db, nationalId)) ?? (await citizen(nationalId));
      await receiveStock(h.db, { serial, manufacturer: 'sim' }, 'staff:1', T0);
      const jobId = randomUUID();
      await insertJob(h.db, { id: jobId, cardSerial: serial, citizenId: c.id, data: { cardUuid: 'x' }, options: {}, createdBy: 'staff:1', leaseUntil: undefined }, T0);
      const card = await insertCard(
        h.db,
        { serial, uuid: randomUUID(), citizenId: c.id, status: 'active', issuedAt: T0, expiresAt: new Date(T0.getTime() + 5 * YEAR), jobId },
        'staff:1',
        T0,
      );
      await insertCertificate(
        h.db,
        { serialHex: `0a${serial.toString(16)}`, cardSerial: serial, slot: 0x9a, profile: 'card-auth', der: fakeDer(serial % 250), status: 'good', notBefore: T0, notAfter: new Date(T0.getTime() + 5 * YEAR) },
        'staff:1',
        T0,
      );
      return { citizen: c, card };
    }

    it('citizens: duplicate national ID → citizen_exists; bad formats refused by the database', async () => {
      const c = await citizen();
      assert.equal(c.birthDate, '1990-05-17');
      assert.deepEqual(await citizenByNationalId(h.db, 'KH0012345'), c);
      await assert.rejects(citizen(), (e) => isRegistryError(e, 'citizen_exists'));
      await assert.rejects(
        insertCitizen(h.db, { nationalId: 'bad id', surname: 'A', givenName: 'B', birthDate: '1990-01-01', country: 'KH' }, 's', T0),
        (e) => isRegistryError(e, 'registry_constraint') && e.detail?.['constraint'] === 'citizens_national_id_format',
      );
      await assert.rejects(
        insertCitizen(h.db, { nationalId: 'KH999999', surname: 'A', givenName: 'B', birthDate: '2030-01-01', country: 'KH' }, 's', T0),
        (e) => isRegistryError(e, 'registry_constraint') && e.detail?.['constraint'] === 'citizens_birth_before_creation',
      );
      await assert.rejects(
        insertCitizen(h.db, { nationalId: 'KH999999', surname: 'A', givenName: 'B', birthDate: '1990-02-30', country: 'KH' }, 's', T0),
        (e) => isRegistryError(e, 'registry_invalid'),
      );
      assert.deepEqual((await searchCitizens(h.db, { surname: 'so', limit: 10 })).map((x) => x.id), [c.id]);
      assert.deepEqual(await searchCitizens(h.db, { surname: '%', limit: 10 }), []);
    });

    it('stock: duplicate serial → card_stock_exists; status moves only from the expected state', async () => {
      await receiveStock(h.db, { serial: 7, manufacturer: 'sim', attestationCertDer: fakeDer(1) }, 's', T0);
      await assert.rejects(receiveStock(h.db, { serial: 7, manufacturer: 'sim' }, 's', T0), (e) => isRegistryError(e, 'card_stock_exists'));
      await assert.rejects(receiveStock(h.db, { serial: 2 ** 32, manufacturer: 'sim' }, 's', T0), (e) => isRegistryError(e, 'registry_constraint'));
      assert.equal((await setStockStatus(h.db, 7, ['available'], 'reserved', 's', T0))?.status, 'reserved');
      assert.equal(await setStockStatus(h.db, 7, ['available'], 'reserved', 's', T0), undefined);
    });

    it('jobs: one open job per card → issuance_in_progress; version-checked updates', async () => {
      const c = await citizen();
      await receiveStock(h.db, { serial: 9, manufacturer: 'sim' }, 's', T0);
      const j = await insertJob(h.db, { id: randomUUID(), cardSerial: 9, citizenId: c.id, data: { a: 1 }, options: { b: true }, createdBy: 's', leaseUntil: T0 }, T0);
      await assert.rejects(
        insertJob(h.db, { id: randomUUID(), cardSerial: 9, citizenId: c.id, data: {}, options: {}, createdBy: 's', leaseUntil: undefined }, T0),
        (e) => isRegistryError(e, 'issuance_in_progress'),
      );
      const j2 = await updateJobIfVersion(h.db, j.id, 1, { completedSteps: ['check-card'], data: { a: 2 }, leaseUntil: null, lastError: 'x' }, T0);
      assert.deepEqual([j2?.version, j2?.completedSteps, j2?.data, j2?.leaseUntil, j2?.lastError, j2?.options], [2, ['check-card'], { a: 2 }, undefined, 'x', { b: true }]);
      assert.equal(await updateJobIfVersion(h.db, j.id, 1, { status: 'failed' }, T0), undefined, 'stale version');
      await updateJobIfVersion(h.db, j.id, 2, { status: 'failed' }, T0);
      assert.equal(await openJobOfCard(h.db, 9), undefined);
      // a finished job frees the card for a new one
      await insertJob(h.db, { id: randomUUID(), cardSerial: 9, citizenId: c.id, data: {}, options: {}, createdBy: 's', leaseUntil: undefined }, T0);
      await assert.rejects(
        insertJob(h.db, { id: randomUUID(), cardSerial: 404, citizenId: c.id, data: {}, options: {}, createdBy: 's', leaseUntil: undefined }, T0),
        (e) => isRegistryError(e, 'registry_constraint'),
      );
    });

    it('cards: one live card per citizen; a replacement supersedes the old card in one transaction', async () => {
      const { citizen: c } = await issuedCard(1001);
      await receiveStock(h.db, { serial: 1002, manufacturer: 'sim' }, 's', T0);
      await assert.rejects(
        insertCard(h.db, { serial: 1002, uuid: randomUUID(), citizenId: c.id, status: 'active', issuedAt: T0, expiresAt: new Date(T0.getTime() + YEAR) }, 's', T0),
        (e) => isRegistryError(e, 'registry_constraint') && e.detail?.['constraint'] === 'cards_one_live_per_citizen',
      );
      await insertCard(h.db, { serial: 1002, uuid: randomUUID(), citizenId: c.id, status: 'active', issuedAt: T0, expiresAt: new Date(T0.getTime() + YEAR), replacesSerial: 1001 }, 's', T0);
      const old = await cardBySerial(h.db, 1001);
      assert.deepEqual([old?.status, old?.supersededBy], ['superseded', 1002]);
      assert.equal((await liveCardOf(h.db, c.id))?.serial, 1002);
      await assert.rejects(
        insertCard(h.db, { serial: 5555, uuid: randomUUID(), citizenId: c.id, status: 'revoked', issuedAt: T0, expiresAt: T0 }, 's', T0),
        (e) => isRegistryError(e, 'registry_constraint'),
      );
      assert.deepEqual((await cardsExpiredBy(h.db, new Date(T0.getTime() + 2 * YEAR), 10)).map((x) => x.serial), [1002]);
    });

    it('certificates: status for OCSP, CRL entries, hold lifted, revocation permanent', async () => {
      await issuedCard(1001);
      const serial = '0a3e9';
      assert.deepEqual(await certificateStatus(h.db, serial), { status: 'good' });
      assert.deepEqual(await certificateStatus(h.db, '0A3E9'), { status: 'good' }, 'hex case does not matter');
      assert.deepEqual(await certificateStatus(h.db, 'ffff'), { status: 'unknown' });
      assert.deepEqual(await certificateStatus(h.db, 'not hex'), { status: 'unknown' });

      const t1 = new Date(T0.getTime() + 1000);
      await setCardStatus(h.db, 1001, ['active'], 'hold', { actor: 's', action: 'card.suspend' }, t1);
      await setCertificatesStatus(h.db, 1001, ['good'], { status: 'hold' }, { actor: 's', action: 'card.suspend' }, t1);
      assert.deepEqual(await certificateStatus(h.db, serial), { status: 'hold', since: t1 });
      assert.deepEqual(await listRevokedOrHeld(h.db, t1), [{ serialHex: serial, status: 'hold', since: t1 }]);
      await setCertificatesStatus(h.db, 1001, ['hold'], { status: 'good' }, { actor: 's', action: 'card.resume' }, t1);
      assert.deepEqual(await listRevokedOrHeld(h.db, t1), []);

      const t2 = new Date(T0.getTime() + 2000);
      const changed = await setCertificatesStatus(h.db, 1001, ['good', 'hold'], { status: 'revoked', reason: 'keyCompromise' }, { actor: 's', action: 'card.revoke' }, t2);
      assert.equal(changed.length, 1);
      assert.deepEqual(await certificateStatus(h.db, serial), { status: 'revoked', reason: 'keyCompromise', at: t2 });
      assert.deepEqual(await listRevokedOrHeld(h.db, t2), [{ serialHex: serial, status: 'revoked', reason: 'keyCompromise', at: t2 }]);
      // expired certificates leave the CRL
      assert.deepEqual(await listRevokedOrHeld(h.db, new Date(T0.getTime() + 6 * YEAR)), []);
      // the database refuses to un-revoke, whatever the caller asks
      await assert.rejects(
        setCertificatesStatus(h.db, 1001, ['revoked'], { status: 'good' }, { actor: 's', action: 'card.resume' }, t2),
        (e) => isRegistryError(e, 'certificate_revoked_final'),
      );
      await assert.rejects(h.db.query(`UPDATE certificates SET status = 'hold', revocation_reason = NULL`), (e) => isRegistryError(e, 'certificate_revoked_final'));
      const certs = await certificatesOfCard(h.db, 1001);
      assert.equal(certs[0]!.sha256.length, 32);
      const log = await readAuditLog(h.db, { subject: `certificate:${serial}`, limit: 10 });
      assert.deepEqual(log.map((e) => e.action), ['card.revoke', 'card.resume', 'card.suspend', 'certificate.register']);
      assert.equal((await verifyAuditChain(h.db)).ok, true);
    });

    it('certificates: duplicate serial or slot → certificate_exists; reason only when revoked', async () => {
      await issuedCard(1001);
      const base = { cardSerial: 1001, slot: 0x9c, profile: 'card-sign' as const, der: fakeDer(77), status: 'good' as const, notBefore: T0, notAfter: new Date(T0.getTime() + YEAR) };
      await assert.rejects(insertCertificate(h.db, { ...base, serialHex: '0a3e9' }, 's', T0), (e) => isRegistryError(e, 'certificate_exists'));
      await assert.rejects(insertCertificate(h.db, { ...base, slot: 0x9a, serialHex: '77' }, 's', T0), (e) => isRegistryError(e, 'registry_constraint'));
      await insertCertificate(h.db, { ...base, serialHex: '77' }, 's', T0);
      await assert.rejects(insertCertificate(h.db, { ...base, serialHex: '78', der: fakeDer(78) }, 's', T0), (e) => isRegistryError(e, 'certificate_exists'));
      await assert.rejects(h.db.query(`UPDATE certificates SET revocation_reason = 'keyCompromise' WHERE serial_hex = '77'`), (e) => isRegistryError(e, 'registry_constraint'));
    });

    it('CRL numbers increase strictly, also concurrently', async () => {
      const n = new SqlCrlNumber(h.db);
      const got = await Promise.all(Array.from({ length: 20 }, () => n.next()));
      assert.deepEqual([...got].sort((a, b) => Number(a - b)), Array.from({ length: 20 }, (_, i) => BigInt(i + 1)));
      assert.equal(await n.next(), 21n);
    });
  });
}
