// Key stores: the encrypted-file store (PKCS#8 EncryptedPrivateKeyInfo,
// mode 0600, passphrase from env or file, refusal when missing or wrong).
// The PKCS#11 store is exercised against SoftHSM2 in test/e2e/pki-softhsm.test.ts.
import assert from 'node:assert/strict';
import { verify as cryptoVerify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyStore, isPkiError, openKeyStore, readPassphrase } from '../../pki/index.js';
import { PASSPHRASE } from './helpers.js';

describe('pki/keystore file key store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardauth-ks-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates P-256 and P-384 keys that sign verifiably in DER and P1363', async () => {
    const ks = FileKeyStore.open(join(dir, 'keys'), PASSPHRASE);
    for (const [curve, hash, width] of [['P-256', 'sha256', 64], ['P-384', 'sha384', 96]] as const) {
      const s = await ks.generate(`k-${curve.toLowerCase()}`, curve);
      const data = Buffer.from('to be signed');
      const der = await s.sign(data);
      assert.equal(der[0], 0x30);
      assert.ok(cryptoVerify(hash, data, s.publicKey, der));
      const raw = await s.sign(data, 'ieee-p1363');
      assert.equal(raw.length, width);
      assert.ok(cryptoVerify(hash, data, { key: s.publicKey, dsaEncoding: 'ieee-p1363' }, raw));
    }
  });

  it('writes encrypted PKCS#8 with mode 0600 and never overwrites a key', async () => {
    const ks = FileKeyStore.open(join(dir, 'keys'), PASSPHRASE);
    await ks.generate('ca-root', 'P-384');
    const file = join(dir, 'keys', 'ca-root.key.pem');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'keys')).mode & 0o777, 0o700);
    const pem = readFileSync(file, 'utf8');
    assert.match(pem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    await assert.rejects(ks.generate('ca-root', 'P-256'), (e) => isPkiError(e, 'key_exists'));
  });

  it('reopens with the right passphrase and signs with the same key', async () => {
    const a = FileKeyStore.open(join(dir, 'keys'), PASSPHRASE);
    const pub = (await a.generate('result-signing', 'P-256')).publicKey;
    const b = FileKeyStore.open(join(dir, 'keys'), PASSPHRASE);
    const s = await b.getSigner('result-signing');
    assert.ok(s.publicKey.equals(pub));
    await assert.rejects(b.getSigner('nope'), (e) => isPkiError(e, 'key_not_found'));
  });

  it('refuses to open with a wrong passphrase (key_store_locked), naming no secret', async () => {
    await FileKeyStore.open(join(dir, 'keys'), PASSPHRASE).generate('ca-issuing', 'P-256');
    assert.throws(
      () => FileKeyStore.open(join(dir, 'keys'), 'a different passphrase'),
      (e) => isPkiError(e, 'key_store_locked') && !String((e as Error).message).includes('different'),
    );
  });

  it('reads the passphrase from the environment or a file, refuses missing or short ones', () => {
    assert.equal(readPassphrase({ CARDAUTH_KEY_PASSPHRASE: PASSPHRASE }), PASSPHRASE);
    const file = join(dir, 'pass');
    writeFileSync(file, `${PASSPHRASE}\n`, { mode: 0o600 });
    assert.equal(readPassphrase({ CARDAUTH_KEY_PASSPHRASE_FILE: file }), PASSPHRASE);
    assert.throws(() => readPassphrase({}), (e) => isPkiError(e, 'key_store_locked'));
    assert.throws(() => readPassphrase({ CARDAUTH_KEY_PASSPHRASE: 'short' }), (e) => isPkiError(e, 'key_store_locked'));
    assert.throws(() => readPassphrase({ CARDAUTH_KEY_PASSPHRASE_FILE: join(dir, 'missing') }), (e) => isPkiError(e, 'key_store_locked'));
    assert.throws(() => openKeyStore(dir, {}), (e) => isPkiError(e, 'key_store_locked'));
    assert.throws(() => openKeyStore(dir, { CARDAUTH_KEY_STORE: 'floppy' }), (e) => isPkiError(e, 'key_store_unavailable'));
    assert.throws(() => openKeyStore(dir, { CARDAUTH_KEY_STORE: 'pkcs11' }), (e) => isPkiError(e, 'key_store_locked'));
  });
});
