// Two service instances sharing one PostgreSQL (as two workers or hosts do):
// both answer OCSP from their caches; a revocation committed elsewhere (here
// straight into the registry, as another process or staff tooling would)
// reaches both instances' OCSP answers within the status-epoch poll
// (migration 023), not at the cached responses' expiry. Checked by openssl.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { buildService, type Service } from '../../src/composition/service.js';
import { loadConfig } from '../../src/config.js';
import { setCertificatesStatus } from '../../src/registry/index.js';
import { silentLogger } from '../../src/util/log.js';
import { issueCard, registerCard, type TestCard } from '../auth/support/fixture.js';
import { openssl } from '../pki/helpers.js';
import { waitFor } from '../support/pcsc.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

function binaryParser(res: NodeJS.ReadableStream, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('e2e publication: a revocation shows in the OCSP of every process sharing the registry', function () {
  this.timeout(120_000);
  let pg: TestPostgres;
  let dir: string;
  let a: Service;
  let b: Service;
  let card: TestCard;

  before(async () => {
    pg = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'cardauth-e2e-publication-'));
    const env = { CARDAUTH_DATA_DIR: dir, DATABASE_URL: pg.url, CARDAUTH_KEY_PASSPHRASE: 'publication test passphrase, long enough' };
    const config = loadConfig(env);
    a = await buildService({ config, env, logger: silentLogger, initCaIfMissing: true });
    b = await buildService({ config, env, logger: silentLogger });
    card = await issueCard(a.ca);
    await registerCard(a.db, card);
    writeFileSync(join(dir, 'card.pem'), `-----BEGIN CERTIFICATE-----\n${Buffer.from(card.der).toString('base64')}\n-----END CERTIFICATE-----\n`);
    const req = await openssl(['ocsp', '-issuer', join(dir, 'pki', 'issuing.crt'), '-cert', join(dir, 'card.pem'), '-no_nonce', '-reqout', join(dir, 'req.der')]);
    assert.equal(req.code, 0, req.stderr);
  });

  after(async () => {
    await a?.close();
    await b?.close();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What openssl reads in the instance's OCSP answer for the card (GET, no nonce: cacheable). */
  async function statusFrom(s: Service): Promise<string> {
    const { readFileSync } = await import('node:fs');
    const reqB64 = readFileSync(join(dir, 'req.der')).toString('base64');
    const res = await request(s.app).get(`/pki/ocsp/${encodeURIComponent(reqB64)}`).buffer(true).parse(binaryParser as never);
    assert.equal(res.status, 200);
    const file = join(dir, `resp-${Math.random().toString(36).slice(2)}.der`);
    writeFileSync(file, res.body as Buffer);
    const r = await openssl(['ocsp', '-respin', file, '-resp_text', '-noverify']);
    const m = /Cert Status: (\w+)/.exec(r.stdout);
    assert.ok(m, r.stdout + r.stderr);
    return m[1]!;
  }

  it('both instances answer good (and cache it), then both answer revoked soon after the registry changes', async () => {
    assert.equal(await statusFrom(a), 'good');
    assert.equal(await statusFrom(b), 'good');
    assert.equal(await statusFrom(b), 'good');
    await setCertificatesStatus(a.db, card.cardSerial, ['good'], { status: 'revoked', reason: 'keyCompromise' }, { actor: 'test', action: 'card.revoke' }, new Date());
    await waitFor(async () => (await statusFrom(b)) === 'revoked', { what: 'instance b to answer revoked', timeoutMs: 15_000 });
    await waitFor(async () => (await statusFrom(a)) === 'revoked', { what: 'instance a to answer revoked', timeoutMs: 15_000 });
  });
});
