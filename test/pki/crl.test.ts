// CRL number (RFC 5280 §5.2.3: monotonically increasing, persisted) and the
// CRL publisher (one build per refresh or status change).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { createCrlPublisher, FileCrlNumber, isPkiError, oid } from '../../pki/index.js';
import { cardKey, inYears, makeTestCa, StatusTable, subject } from './helpers.js';

function crlNumberOf(der: Buffer): bigint {
  const crl = pkijs.CertificateRevocationList.fromBER(der);
  const ext = crl.crlExtensions!.extensions.find((e) => e.extnID === oid.crlNumber)!;
  return (ext.parsedValue as { toBigInt(): bigint }).toBigInt();
}

describe('pki/crl', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardauth-crl-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hands out strictly increasing numbers, also concurrently and across instances', async () => {
    const file = join(dir, 'crl-number');
    writeFileSync(file, '41\n');
    const a = new FileCrlNumber(file);
    const b = new FileCrlNumber(file);
    const got = await Promise.all([...Array(10)].map((_, i) => (i % 2 ? a : b).next()));
    assert.deepEqual([...got].sort((x, y) => Number(x - y)), [...Array(10)].map((_, i) => 42n + BigInt(i)));
    assert.equal(await new FileCrlNumber(file).next(), 52n);
  });

  it('refuses a damaged counter file instead of restarting at 1', async () => {
    const file = join(dir, 'crl-number');
    writeFileSync(file, 'garbage');
    await assert.rejects(new FileCrlNumber(file).next(), (e) => isPkiError(e, 'ca_state_corrupt'));
  });

  it('builds an RFC 5280 CRL: v2, AKI, number, reasons, hold entries, nextUpdate', async () => {
    const t = await makeTestCa();
    try {
      const status = new StatusTable();
      const revoked = await t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject, notAfter: inYears(1) });
      const held = await t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject, notAfter: inYears(1) });
      status.set(revoked.serialHex, { status: 'revoked', reason: 'superseded', at: new Date() });
      status.set(held.serialHex, { status: 'hold', since: new Date() });
      let now = new Date();
      const publisher = createCrlPublisher({ createCrl: (o) => t.ca.createCrl(o), entries: status.entries, now: () => now, refreshSeconds: 60, validitySeconds: 7200 });
      const first = await publisher.current();
      const crl = pkijs.CertificateRevocationList.fromBER(first.der);
      assert.equal(crl.version, 1);
      assert.equal(crl.revokedCertificates!.length, 2);
      assert.equal(crl.nextUpdate!.value.getTime() - crl.thisUpdate.value.getTime(), 7_200_000);
      const n1 = crlNumberOf(first.der);
      assert.equal(crlNumberOf((await publisher.current()).der), n1, 'served from cache');
      now = new Date(now.getTime() + 61_000);
      const n2 = crlNumberOf((await publisher.current()).der);
      assert.ok(n2 > n1);
      publisher.invalidate();
      assert.ok(crlNumberOf((await publisher.current()).der) > n2);
      const [x, y] = await Promise.all([publisher.current(), publisher.current()]);
      assert.ok(x.der.equals(y.der), 'concurrent requests share one build');
    } finally {
      await t.cleanup();
    }
  });
});
