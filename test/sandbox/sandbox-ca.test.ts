// The rule that keeps test material out of production (src/sandbox/sandbox-ca.ts):
// a CA whose root names a SANDBOX organisation is served only with
// CARDAUTH_SANDBOX=1, and CARDAUTH_SANDBOX=1 only serves such a CA. Real CAs
// made by pki's initCa, as the service makes them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyStore, initCa, openCa, type CertificateAuthority, type KeyStore } from '../../pki/index.js';
import { SANDBOX_CA_ORGANIZATION, checkSandboxRule, isSandboxCa } from '../../src/sandbox/sandbox-ca.js';

describe('sandbox rule: a sandbox CA and CARDAUTH_SANDBOX=1 go together', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const stores: KeyStore[] = [];
  let sandboxCa: CertificateAuthority;
  let realCa: CertificateAuthority;

  async function ca(organization: string): Promise<CertificateAuthority> {
    const dir = mkdtempSync(join(tmpdir(), 'cardauth-sandbox-ca-'));
    dirs.push(dir);
    const keyStore = FileKeyStore.open(join(dir, 'keys'), 'sandbox rule test passphrase');
    stores.push(keyStore);
    await initCa({ dataDir: dir, keyStore, config: { country: 'KH', organization, baseUrl: 'http://127.0.0.1:8080', issuingCurve: 'P-256', maxCardValidityDays: 1826 } });
    return openCa({ dataDir: dir, keyStore });
  }

  before(async () => {
    [sandboxCa, realCa] = [await ca(SANDBOX_CA_ORGANIZATION), await ca('cardauth National ID')];
  });
  after(async () => {
    for (const s of stores) await s.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('every sandbox CA certificate says what it is', () => {
    assert.match(sandboxCa.root.x509.subject, /CN=cardauth SANDBOX \(NOT FOR PRODUCTION\) Root CA/);
    assert.match(sandboxCa.issuing.x509.subject, /SANDBOX/);
    assert.equal(isSandboxCa(sandboxCa.root), true);
    assert.equal(isSandboxCa(realCa.root), false);
  });

  it('a production configuration refuses a sandbox CA', () => {
    assert.throws(() => checkSandboxRule(sandboxCa.root, {}), (e: { code?: string; message?: string }) => e.code === 'config_invalid' && /SANDBOX CA/.test(e.message ?? ''));
    assert.throws(() => checkSandboxRule(sandboxCa.root, { CARDAUTH_SANDBOX: 'true' }), (e: { code?: string }) => e.code === 'config_invalid');
    assert.equal(checkSandboxRule(sandboxCa.root, { CARDAUTH_SANDBOX: '1' }), true);
  });

  it('CARDAUTH_SANDBOX=1 refuses a real CA (its results would be marked test material)', () => {
    assert.throws(() => checkSandboxRule(realCa.root, { CARDAUTH_SANDBOX: '1' }), (e: { code?: string }) => e.code === 'config_invalid');
    assert.equal(checkSandboxRule(realCa.root, {}), false);
  });

  it('an organisation name that only mentions sandbox in lower case is not the mark', async () => {
    const lookalike = await ca('Sandbox Street Savings Bank');
    assert.equal(isSandboxCa(lookalike.root), false);
  });
});
