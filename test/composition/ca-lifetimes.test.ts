// The service's wiring of the CA's lifetimes (src/composition): the OCSP
// responder watch renews inside the renewal window at start and records the
// renewal in the registry's hash-chained audit log; a renewal whose audit
// entry cannot be written does not happen; the readiness probe fails while
// the responder certificate is expired or in its last days; the gauges carry
// the dates. A real CA in a temporary directory and a real (PGlite) registry.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OCSP_READY_MARGIN_DAYS, OCSP_RENEW_BEFORE_DAYS, openCa, pkiDir, type CertificateAuthority } from '../../pki/index.js';
import { caLifetimeGauges, ocspResponderReadiness } from '../../src/composition/ca-lifetimes.js';
import { OCSP_RENEWAL_AUDIT_ACTION, ocspRenewalAudit } from '../../src/composition/ocsp-renewal-audit.js';
import { watchOcspResponder } from '../../src/composition/watch-ocsp-responder.js';
import { readAuditLog } from '../../src/registry/audit/read.js';
import { verifyAuditChain } from '../../src/registry/audit/verify.js';
import type { Sql } from '../../src/registry/sql.js';
import { FixedClock } from '../../src/util/clock.js';
import type { Logger } from '../../src/util/log.js';
import { makeTestCa, type TestCa } from '../pki/helpers.js';
import { resetRegistry, useDatabase } from '../registry/support/backends.js';

const DAY = 86_400_000;

function recordingLog(): Logger & { lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const log = {
    lines,
    debug: (msg: string) => void lines.push({ level: 'debug', msg }),
    info: (msg: string) => void lines.push({ level: 'info', msg }),
    warn: (msg: string) => void lines.push({ level: 'warn', msg }),
    error: (msg: string) => void lines.push({ level: 'error', msg }),
    child: () => log,
  };
  return log;
}

describe('composition: CA lifetimes (OCSP responder renewal, readiness, gauges)', () => {
  const registry = useDatabase('pglite');
  let t: TestCa;
  let clock: FixedClock;
  let ca: CertificateAuthority;

  beforeEach(async () => {
    await resetRegistry(registry.db);
    t = await makeTestCa();
    clock = new FixedClock(new Date());
    ca = await openCa({ dataDir: t.dir, keyStore: t.keyStore, now: () => clock.now() });
  });
  afterEach(() => t.cleanup());

  it('renews at start inside the renewal window, with one audit entry in the chain', async () => {
    const before = ca.ocsp;
    clock.set(new Date(before.notAfter.getTime() - (OCSP_RENEW_BEFORE_DAYS - 5) * DAY));
    const log = recordingLog();
    const watch = await watchOcspResponder({ ca, audit: ocspRenewalAudit(registry.db, { actor: 'system', via: 'service' }), clock, log, intervalMs: 0 });
    watch.stop();
    assert.notEqual(ca.ocsp.x509.serialNumber, before.x509.serialNumber);
    assert.equal(readFileSync(join(pkiDir(t.dir), 'ocsp.crt'), 'utf8'), ca.ocsp.pem);
    const entries = await readAuditLog(registry.db, { limit: 10 });
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.action, OCSP_RENEWAL_AUDIT_ACTION);
    assert.equal(entries[0]!.subject, `certificate:${ca.ocsp.x509.serialNumber.toLowerCase()}`);
    assert.deepEqual(entries[0]!.data, {
      trigger: 'automatic',
      via: 'service',
      notBefore: ca.ocsp.notBefore.toISOString(),
      notAfter: ca.ocsp.notAfter.toISOString(),
      previous: before.x509.serialNumber.toLowerCase(),
      previousNotAfter: before.notAfter.toISOString(),
    });
    assert.equal((await verifyAuditChain(registry.db)).ok, true);
    assert.ok(log.lines.some((l) => l.level === 'info' && /renewed/.test(l.msg)));
    // a second round finds nothing to do
    await watch.round();
    assert.equal((await readAuditLog(registry.db, { limit: 10 })).length, 1);
  });

  it('does not renew when the audit entry cannot be written; logs it and renews on a later round', async () => {
    const before = ca.ocsp;
    clock.set(new Date(before.notAfter.getTime() - DAY));
    let down = true;
    const flaky: Sql = new Proxy(registry.db, {
      get(target, prop, receiver) {
        if (prop === 'transaction' && down) return async () => Promise.reject(new Error('registry down'));
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const log = recordingLog();
    const watch = await watchOcspResponder({ ca, audit: ocspRenewalAudit(flaky, { actor: 'system', via: 'service' }), clock, log, intervalMs: 0 });
    assert.equal(ca.ocsp.der.equals(before.der), true, 'the old certificate stays');
    assert.ok(log.lines.some((l) => l.level === 'warn' && /could not be renewed/.test(l.msg)));
    down = false;
    await watch.round();
    assert.notEqual(ca.ocsp.x509.serialNumber, before.x509.serialNumber);
    assert.equal((await readAuditLog(registry.db, { limit: 10 })).length, 1);
  });

  it('the readiness probe fails when the responder certificate is expired or in its last days', async () => {
    const probe = ocspResponderReadiness(ca, clock);
    const notAfter = ca.ocsp.notAfter.getTime();
    clock.set(new Date(notAfter - (OCSP_RENEW_BEFORE_DAYS + 1) * DAY));
    assert.equal((await probe()).ready, true);
    clock.set(new Date(notAfter - (OCSP_READY_MARGIN_DAYS + 1) * DAY));
    assert.equal((await probe()).ready, true, 'renewal due but weeks left');
    clock.set(new Date(notAfter - (OCSP_READY_MARGIN_DAYS - 1) * DAY));
    assert.equal((await probe()).ready, false);
    clock.set(new Date(notAfter + 1000));
    assert.equal((await probe()).ready, false);
  });

  it('the gauges carry the lifetimes as Unix seconds and days', async () => {
    const h = await ca.health(clock.now());
    const g = caLifetimeGauges(h);
    assert.equal(g['cardauth_ca_ocsp_responder_not_after_seconds'], Math.floor(ca.ocsp.notAfter.getTime() / 1000));
    assert.equal(g['cardauth_ca_ocsp_responder_ready'], 1);
    assert.equal(g['cardauth_ca_issuing_not_after_seconds'], Math.floor(ca.issuing.notAfter.getTime() / 1000));
    assert.equal(g['cardauth_ca_issuing_card_validity_shortfall_days'], 0);
    assert.equal(g['cardauth_ca_root_not_after_seconds'], Math.floor(ca.root.notAfter.getTime() / 1000));
    assert.equal(g['cardauth_ca_result_key_since_seconds'], Math.floor(ca.issuing.notBefore.getTime() / 1000));
    assert.ok(g['cardauth_ca_result_key_age_seconds']! >= 0);
  });
});
