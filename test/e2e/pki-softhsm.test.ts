// Issue-3 acceptance with the CA keys in a PKCS#11 token (SoftHSM2 from
// Debian, a throwaway token in a temporary directory): the same openssl
// checks as with file keys, plus: the private keys are not extractable, a
// wrong PIN is refused, and `cardauth ca init|issue` work against a token.
// Last, the result-signing key is rotated on the token (new key generated
// there, not extractable; a rotation whose state write fails takes its new
// key off the token again), directly and with `cardauth ca rotate-result-key`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Crypto } from 'node-webcrypto-p11';
import { compactVerify, importJWK } from 'jose';
import { isPkiError, keyNames, openResultKeySet, Pkcs11KeyStore, resultKeyStatePath, rotateResultKey } from '../../pki/index.js';
import { acceptanceSuite, publish, type Published } from '../pki/acceptance.js';
import { cardKey, inYears, makeTestCa, openssl, subject, type TestCa } from '../pki/helpers.js';
import { createSoftHsmToken, initExtraToken, type SoftHsmToken } from '../support/softhsm.js';

const exec = promisify(execFile);
const CLI = join(process.cwd(), 'src', 'cli', 'bin.js');

describe('e2e pki: national CA with keys in SoftHSM2 (PKCS#11), checked by openssl', () => {
  let token: SoftHsmToken;
  let ks: Pkcs11KeyStore;
  let t: TestCa;
  let p: Published;
  before(async () => {
    token = createSoftHsmToken('cardauth-ca');
    ks = Pkcs11KeyStore.open({ library: token.library, tokenLabel: token.label, pin: token.pin });
    t = await makeTestCa({}, ks);
    p = await publish(t);
  });
  after(async () => {
    await p?.close();
    await t?.cleanup();
    await ks?.close();
    token?.cleanup();
  });

  it('keeps every CA key on the token, sensitive and not extractable', async () => {
    assert.equal(t.keyStore.kind, 'pkcs11');
    assert.equal(existsSync(join(t.dir, 'keys')), false, 'no key files written');
    const crypto = new Crypto({ library: token.library, slot: 0, pin: token.pin });
    try {
      let privateKeys = 0;
      for (const index of await crypto.keyStorage.keys()) {
        const key = await crypto.keyStorage.getItem(index);
        if (key.type !== 'private') continue;
        privateKeys++;
        assert.equal(key.extractable, false, (key.algorithm as { label?: string }).label);
        await assert.rejects(crypto.subtle.exportKey('pkcs8', key as never));
      }
      assert.equal(privateKeys, Object.keys(keyNames).length);
    } finally {
      // Not crypto.close(): that finalizes the PKCS#11 module for the whole process.
      crypto.session.close();
    }
  });

  it('refuses a wrong PIN with key_store_locked (fresh process) and an unknown token', async () => {
    // PKCS#11 login state is per token and per process: this process is
    // already logged in, so the PIN is checked where it matters, at start-up
    // of a new process.
    const env = {
      ...process.env,
      CARDAUTH_KEY_STORE: 'pkcs11',
      CARDAUTH_PKCS11_LIBRARY: token.library,
      CARDAUTH_PKCS11_TOKEN: token.label,
      CARDAUTH_PKCS11_PIN: 'wrong-pin',
    };
    const r = await exec('node', [CLI, 'ca', 'init', '--dir', join(t.dir, 'never')], { env }).catch((e: { code: number; stderr: string }) => e);
    assert.equal((r as { code: number }).code, 1);
    assert.match((r as { stderr: string }).stderr, /\[key_store_locked\]/);
    assert.doesNotMatch((r as { stderr: string }).stderr, /wrong-pin/);
    assert.throws(
      () => Pkcs11KeyStore.open({ library: token.library, tokenLabel: 'no-such-token', pin: token.pin }),
      (e) => isPkiError(e, 'key_store_unavailable'),
    );
  });

  acceptanceSuite(() => ({ t, p }));

  it('signs concurrently (one PKCS#11 operation per session at a time)', async () => {
    const signer = await ks.getSigner(keyNames.ocsp);
    const data = Buffer.from('concurrent');
    const sigs = await Promise.all([...Array(32)].map(() => signer.sign(data)));
    const { verify } = await import('node:crypto');
    assert.ok(sigs.every((sig) => verify('sha256', data, signer.publicKey, sig)));
    const issued = await Promise.all(
      [...Array(8)].map(() => t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject, notAfter: inYears(1) })),
    );
    assert.equal(new Set(issued.map((c) => c.serialHex)).size, 8);
  });

  it('cardauth ca init, issue and rotate-result-key with CARDAUTH_KEY_STORE=pkcs11; second init refused', async () => {
    const cliToken = initExtraToken('cardauth-cli');
    const dir = mkdtempSync(join(tmpdir(), 'cardauth-cli-p11-'));
    try {
      const env = {
        ...process.env,
        CARDAUTH_KEY_STORE: 'pkcs11',
        CARDAUTH_PKCS11_LIBRARY: token.library,
        CARDAUTH_PKCS11_TOKEN: cliToken.label,
        CARDAUTH_PKCS11_PIN: cliToken.pin,
      };
      await exec('node', [CLI, 'ca', 'init', '--dir', dir, '--country', 'LU'], { env });
      const again = await exec('node', [CLI, 'ca', 'init', '--dir', dir, '--country', 'LU'], { env }).catch((e: { code: number; stderr: string }) => e);
      assert.equal((again as { code: number }).code, 3);
      assert.match((again as { stderr: string }).stderr, /\[ca_already_initialised\]/);
      const gen = await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(dir, 'card.key')]);
      assert.equal(gen.code, 0);
      await openssl(['ec', '-in', join(dir, 'card.key'), '-pubout', '-out', join(dir, 'card.pub')]);
      writeFileSync(join(dir, 'subject.json'), JSON.stringify({ country: 'LU', surname: 'Doe', givenName: 'Jane', nationalId: '4711' }));
      const issued = await exec(
        'node',
        [CLI, 'ca', 'issue', '--dir', dir, '--public-key', join(dir, 'card.pub'), '--profile', 'test-unattested', '--subject-json', join(dir, 'subject.json')],
        { env },
      );
      writeFileSync(join(dir, 'card.pem'), issued.stdout);
      const v = await openssl(['verify', '-CAfile', join(dir, 'pki', 'root.crt'), '-untrusted', join(dir, 'pki', 'issuing.crt'), join(dir, 'card.pem')]);
      assert.equal(v.code, 0, v.stderr);
      assert.match(readFileSync(join(dir, 'pki', 'root.crt'), 'utf8'), /BEGIN CERTIFICATE/);
      // Rotation from the CLI against the token, beside nothing else.
      const rotated = await exec('node', [CLI, 'ca', 'rotate-result-key', '--dir', dir], { env });
      assert.match(rotated.stdout, /new kid [A-Za-z0-9_-]{43} \(key result-signing-2\)/);
      const state = JSON.parse(readFileSync(join(dir, 'pki', 'result-keys.json'), 'utf8'));
      assert.equal(state.current.name, 'result-signing-2');
      assert.equal(existsSync(join(dir, 'keys')), false, 'no key files written');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rotates the result-signing key on the token; a failed rotation leaves no key there', async () => {
    const before = await openResultKeySet({ dataDir: t.dir, keyStore: ks });
    const r = await rotateResultKey({ dataDir: t.dir, keyStore: ks, overlapDays: 10 });
    assert.equal(r.name, 'result-signing-2');
    const set = await openResultKeySet({ dataDir: t.dir, keyStore: ks });
    assert.equal(set.current.name, 'result-signing-2');
    assert.deepEqual(set.published(new Date()).map((k) => k.kid), [r.kid, before.currentJwk.kid]);
    // The new private key is on the token like the others: sensitive, not extractable.
    const crypto = new Crypto({ library: token.library, slot: 0, pin: token.pin });
    try {
      let found = 0;
      for (const index of await crypto.keyStorage.keys()) {
        const key = await crypto.keyStorage.getItem(index);
        if (key.type !== 'private' || (key.algorithm as { label?: string }).label !== 'result-signing-2') continue;
        found++;
        assert.equal(key.extractable, false);
      }
      assert.equal(found, 1);
    } finally {
      crypto.session.close();
    }
    // It signs ES256 that jose verifies with the published JWK.
    const head = Buffer.from(JSON.stringify({ alg: 'ES256', kid: r.kid })).toString('base64url');
    const body = Buffer.from('{"sub":"p11"}').toString('base64url');
    const sig = await set.current.sign(Buffer.from(`${head}.${body}`), 'ieee-p1363');
    await compactVerify(`${head}.${body}.${sig.toString('base64url')}`, await importJWK(set.currentJwk, 'ES256'));

    // The state write fails for real (a directory where its temporary file goes).
    mkdirSync(`${resultKeyStatePath(t.dir)}.tmp`);
    try {
      await assert.rejects(rotateResultKey({ dataDir: t.dir, keyStore: ks }), (e) => isPkiError(e, 'ca_state_corrupt'));
    } finally {
      rmSync(`${resultKeyStatePath(t.dir)}.tmp`, { recursive: true });
    }
    assert.equal(await ks.has('result-signing-3'), false, 'the key of the failed rotation is off the token');
    assert.equal((await openResultKeySet({ dataDir: t.dir, keyStore: ks })).current.name, 'result-signing-2');

    // Another process (the CLI) rotates on the same token and data directory,
    // as beside a running service: this process, logged in all along, finds
    // the key it generated there and signs with it.
    const env = {
      ...process.env,
      CARDAUTH_KEY_STORE: 'pkcs11',
      CARDAUTH_PKCS11_LIBRARY: token.library,
      CARDAUTH_PKCS11_TOKEN: token.label,
      CARDAUTH_PKCS11_PIN: token.pin,
    };
    const cli = await exec('node', [CLI, 'ca', 'rotate-result-key', '--dir', t.dir], { env });
    const kid = /new kid (\S+) \(key result-signing-3\)/.exec(cli.stdout)?.[1];
    assert.ok(kid, cli.stdout);
    const third = await openResultKeySet({ dataDir: t.dir, keyStore: ks });
    assert.equal(third.currentJwk.kid, kid);
    const sig3 = await third.current.sign(Buffer.from(`${head}.${body}`), 'ieee-p1363');
    await compactVerify(`${head}.${body}.${sig3.toString('base64url')}`, await importJWK(third.currentJwk, 'ES256'));
  });
});
