// `cardauth ca init|issue|renew-ocsp|add-tsa|rotate-result-key` driven in-process through the CLI dispatcher.
import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCardCertificateVerifier, isPkiError, POLICY_KEY_ON_CARD_PIN_ALWAYS, POLICY_TEST_UNATTESTED } from '../../pki/index.js';
import { readCertificateFields } from '../../pki/verify/read-certificate-fields.js';
import { readAuditLog } from '../../src/registry/audit/read.js';
import { verifyAuditChain } from '../../src/registry/audit/verify.js';
import { PgliteDatabase } from '../../src/registry/pglite.js';
import { cliIo } from '../support/cli-io.js';

// Loaded with import(): under mocha+tsx a static import would give this file a
// second copy of src/cli/io.ts (CliError) next to the one the dynamically
// imported command modules use, and main()'s instanceof check would miss.
const { main } = await import('../../src/cli/main.js');
import { PASSPHRASE } from './helpers.js';


describe('cli: cardauth ca', () => {
  let dir: string;
  const env = (): NodeJS.ProcessEnv => ({ CARDAUTH_KEY_PASSPHRASE: PASSPHRASE, CARDAUTH_DATA_DIR: join(dir, 'data') });
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardauth-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('ca init writes the hierarchy to $CARDAUTH_DATA_DIR/pki and keys 0600', async () => {
    const a = cliIo(env());
    assert.equal(await main(['ca', 'init', '--country', 'LU', '--base-url', 'https://id.example.lu/'], a), 0, a.err());
    for (const f of ['root.crt', 'issuing.crt', 'ocsp.crt']) assert.ok(existsSync(join(dir, 'data', 'pki', f)), f);
    assert.equal(statSync(join(dir, 'data', 'keys', 'ca-root.key.pem')).mode & 0o777, 0o600);
    assert.match(a.out(), /root SHA-256 [0-9A-F:]{95}/);
  });

  it('a second ca init refuses with ca_already_initialised and exit code 3', async () => {
    const before = readFileSync(join(dir, 'data', 'pki', 'root.crt'));
    const b = cliIo(env());
    assert.equal(await main(['ca', 'init'], b), 3);
    assert.match(b.err(), /\[ca_already_initialised\]/);
    assert.ok(readFileSync(join(dir, 'data', 'pki', 'root.crt')).equals(before));
  });

  it('ca issue refuses the card profiles: "key on card, PIN always" is signed only over an attested, recorded key (profile_requires_attestation, exit 2)', async () => {
    const pub = join(dir, 'pub.pem');
    writeFileSync(pub, generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }));
    const subj = join(dir, 'subject.json');
    writeFileSync(subj, JSON.stringify({ country: 'LU', surname: 'Doe', givenName: 'Jane', nationalId: '4711' }));
    for (const profile of ['card-auth', 'card-sign']) {
      const c = cliIo(env());
      assert.equal(await main(['ca', 'issue', '--public-key', pub, '--profile', profile, '--subject-json', subj], c), 2, profile);
      assert.match(c.err(), /\[profile_requires_attestation\]/, profile);
      assert.equal(c.out(), '', 'no certificate printed');
    }
  });

  it('ca issue --profile test-unattested prints a test certificate without the card policy, no EKU, at most 30 days, refused by the card verifier', async () => {
    const pub = join(dir, 'pub.pem');
    const subj = join(dir, 'subject.json');
    const c = cliIo(env());
    const code = await main(['ca', 'issue', '--public-key', pub, '--profile', 'test-unattested', '--subject-json', subj], c);
    assert.equal(code, 0, c.err());
    const x = new X509Certificate(c.out());
    assert.match(x.subject, /serialNumber=PNOLU-4711/);
    assert.match(x.infoAccess ?? '', /https:\/\/id\.example\.lu\/pki\/ocsp/);
    const fields = readCertificateFields(x.raw);
    assert.deepEqual(fields.policies, [POLICY_TEST_UNATTESTED]);
    assert.ok(!fields.policies?.includes(POLICY_KEY_ON_CARD_PIN_ALWAYS));
    assert.equal(fields.extKeyUsage, undefined);
    const days = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / 86_400_000;
    assert.ok(days <= 30, `${days} days`);
    const issuing = readFileSync(join(dir, 'data', 'pki', 'issuing.crt'), 'utf8');
    const root = readFileSync(join(dir, 'data', 'pki', 'root.crt'), 'utf8');
    const verifier = createCardCertificateVerifier({ issuing, root, status: async () => ({ status: 'good' }) });
    await assert.rejects(verifier.verify(x.raw), (e) => isPkiError(e, 'cert_wrong_purpose'));
    const cardAuthOnly = createCardCertificateVerifier({ issuing, root, status: async () => ({ status: 'good' }), requiredPurpose: '2.5.29.37.0' });
    await assert.rejects(cardAuthOnly.verify(x.raw), (e) => isPkiError(e, 'cert_wrong_purpose'));
  });

  it('ca issue --profile test-unattested honours an earlier --not-after and caps a later one at 30 days', async () => {
    const pub = join(dir, 'pub.pem');
    const subj = join(dir, 'subject.json');
    const soon = new Date(Math.floor(Date.now() / 1000) * 1000 + 3 * 86_400_000);
    const c = cliIo(env());
    assert.equal(await main(['ca', 'issue', '--public-key', pub, '--profile', 'test-unattested', '--subject-json', subj, '--not-after', soon.toISOString()], c), 0, c.err());
    assert.equal(new Date(new X509Certificate(c.out()).validTo).toISOString(), soon.toISOString());
    const far = cliIo(env());
    assert.equal(await main(['ca', 'issue', '--public-key', pub, '--profile', 'test-unattested', '--subject-json', subj, '--not-after', '2099-01-01T00:00:00Z'], far), 0, far.err());
    const x = new X509Certificate(far.out());
    assert.ok((Date.parse(x.validTo) - Date.parse(x.validFrom)) / 86_400_000 <= 30);
  });

  it('ca renew-ocsp re-certifies the same responder key and records it in the audit log', async function () {
    this.timeout(120_000);
    const file = join(dir, 'data', 'pki', 'ocsp.crt');
    const before = new X509Certificate(readFileSync(file));
    const r = cliIo(env());
    assert.equal(await main(['ca', 'renew-ocsp'], r), 0, r.err());
    const after = new X509Certificate(readFileSync(file));
    assert.notEqual(after.serialNumber, before.serialNumber);
    assert.ok(after.publicKey.equals(before.publicKey));
    const issuing = new X509Certificate(readFileSync(join(dir, 'data', 'pki', 'issuing.crt')));
    assert.ok(after.checkIssued(issuing) && after.verify(issuing.publicKey));
    const db = await PgliteDatabase.open(join(dir, 'data', 'registry'));
    try {
      const [entry] = await readAuditLog(db, { subject: `certificate:${after.serialNumber.toLowerCase()}`, limit: 10 });
      assert.ok(entry, 'an audit entry for the new certificate');
      assert.equal(entry.action, 'ca.ocsp_responder.renew');
      assert.equal(entry.actor, 'system');
      const data = entry.data as Record<string, string>;
      assert.equal(data['trigger'], 'manual');
      assert.equal(data['via'], 'cardauth ca renew-ocsp');
      assert.equal(data['previous'], before.serialNumber.toLowerCase());
      assert.equal(data['notAfter'], new Date(after.validTo).toISOString());
      assert.equal((await verifyAuditChain(db)).ok, true);
    } finally {
      await db.close();
    }
  });

  it('ca add-tsa: a CA made before the TSA gets one, once', async () => {
    const file = join(dir, 'data', 'pki', 'tsa.crt');
    assert.ok(existsSync(file), 'ca init made a TSA');
    const r = cliIo(env());
    assert.equal(await main(['ca', 'add-tsa'], r), 0, r.err());
    assert.match(r.out(), /has a timestamping authority already/);
    rmSync(file);
    const again = cliIo(env());
    assert.equal(await main(['ca', 'add-tsa'], again), 0, again.err());
    assert.match(again.out(), /timestamping authority added/);
    const tsa = new X509Certificate(readFileSync(file));
    assert.deepEqual(tsa.keyUsage, ['1.3.6.1.5.5.7.3.8']);
    assert.ok(tsa.checkIssued(new X509Certificate(readFileSync(join(dir, 'data', 'pki', 'issuing.crt')))));
  });

  it('refuses bad input with codes: wrong passphrase, bad subject, missing options', async () => {
    const pub = join(dir, 'pub.pem');
    const subj = join(dir, 'subject.json');
    const wrong = cliIo({ ...env(), CARDAUTH_KEY_PASSPHRASE: 'not the passphrase' });
    assert.equal(await main(['ca', 'issue', '--public-key', pub, '--profile', 'test-unattested', '--subject-json', subj], wrong), 1);
    assert.match(wrong.err(), /\[key_store_locked\]/);
    assert.doesNotMatch(wrong.err(), /not the passphrase/);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ country: 'LU', surname: 'Doe, John', givenName: 'J', nationalId: '1' }));
    const bad = cliIo(env());
    assert.equal(await main(['ca', 'issue', '--public-key', pub, '--profile', 'test-unattested', '--subject-json', join(dir, 'bad.json')], bad), 1);
    assert.match(bad.err(), /\[profile_subject_invalid\]/);
    const missing = cliIo(env());
    assert.equal(await main(['ca', 'issue', '--profile', 'test-unattested'], missing), 2);
    const unknown = cliIo(env());
    assert.equal(await main(['ca', 'issue', '--frobnicate'], unknown), 2);
  });

  it('ca rotate-result-key prints the new kid; the previous key stays published for --overlap-days', async () => {
    const r = cliIo(env());
    assert.equal(await main(['ca', 'rotate-result-key', '--overlap-days', '14'], r), 0, r.err());
    const m = /new kid ([A-Za-z0-9_-]{43}) \(key result-signing-2\)/.exec(r.out());
    assert.ok(m, r.out());
    const state = JSON.parse(readFileSync(join(dir, 'data', 'pki', 'result-keys.json'), 'utf8'));
    assert.equal(state.current.kid, m[1]);
    assert.equal(state.retired[0].name, 'result-signing');
    const days = (Date.parse(state.retired[0].publishUntil) - Date.parse(state.retired[0].retiredAt)) / 86_400_000;
    assert.equal(days, 14);
    assert.match(r.out(), new RegExp(`previous kid ${state.retired[0].jwk.kid} .* until ${state.retired[0].publishUntil}`));
  });

  it('ca rotate-result-key refuses a bad --overlap-days (result_key_overlap_invalid, exit 2) and changes nothing', async () => {
    const file = join(dir, 'data', 'pki', 'result-keys.json');
    const before = readFileSync(file, 'utf8');
    for (const bad of ['0', '366', '1e1', '-3', 'thirty', '']) {
      const r = cliIo(env());
      assert.equal(await main(['ca', 'rotate-result-key', `--overlap-days=${bad}`], r), 2, bad);
      assert.match(r.err(), /\[result_key_overlap_invalid\]/, bad);
    }
    assert.equal(readFileSync(file, 'utf8'), before);
    assert.equal(existsSync(join(dir, 'data', 'keys', 'result-signing-3.key.pem')), false);
    const wrong = cliIo({ ...env(), CARDAUTH_KEY_PASSPHRASE: 'not the passphrase' });
    assert.equal(await main(['ca', 'rotate-result-key'], wrong), 1);
    assert.match(wrong.err(), /\[key_store_locked\]/);
    assert.equal(readFileSync(file, 'utf8'), before);
  });
});
