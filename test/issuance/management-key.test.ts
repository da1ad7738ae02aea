// Management-key diversification and the master secret file: the derivation
// equals HKDF-Expand (RFC 5869) computed by an independent implementation
// (@noble/hashes), keys differ per card and per type, 3DES keys have odd
// parity, and the sealed master opens only with the right passphrase.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expand } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { openMasterSecretFile } from '../../src/issuance/adapters/master-secret-file.js';
import { deriveManagementKey, memoryMasterHmac } from '../../src/issuance/lib/diversify-management-key.js';
import { cardSerial } from '../../src/card/piv/constants.js';

describe('issuance: management key diversification', () => {
  const master = Uint8Array.from(randomBytes(32));
  const hmac = memoryMasterHmac(master);

  it('is HKDF-Expand(PRK = master, info = label ‖ type ‖ serial ‖ counter) per RFC 5869', async () => {
    const serial = cardSerial(12345678);
    const info = Buffer.concat([Buffer.from('cardauth/piv-mgm/v1'), Buffer.from('AES256'), Buffer.from([0x00, 0xbc, 0x61, 0x4e]), Buffer.from([0])]);
    assert.deepEqual(await deriveManagementKey(hmac, serial, 'AES256'), expand(sha256, master, info, 32));
  });

  it('differs per card serial and per key type; 3DES keys have odd parity and three distinct parts', async () => {
    const a = await deriveManagementKey(hmac, cardSerial(1), 'AES256');
    const b = await deriveManagementKey(hmac, cardSerial(2), 'AES256');
    assert.notDeepEqual(a, b);
    const t = await deriveManagementKey(hmac, cardSerial(1), 'TDES');
    assert.equal(t.length, 24);
    for (const byte of t) assert.equal([...byte.toString(2)].filter((c) => c === '1').length % 2, 1);
    assert.notDeepEqual(t.subarray(0, 8), t.subarray(8, 16));
    assert.notDeepEqual(Buffer.from(t.subarray(0, 16)), Buffer.from(a.subarray(0, 16)));
  });

  it('refuses a short master secret', () => {
    assert.throws(() => memoryMasterHmac(new Uint8Array(16)));
  });

  it('seals the master secret; reopens it with the passphrase only; refuses a tampered file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardauth-master-'));
    const path = join(dir, 'keys', 'mgm-master.json');
    const first = openMasterSecretFile(path, 'correct horse battery');
    assert.equal(first.length, 32);
    assert.deepEqual(openMasterSecretFile(path, 'correct horse battery'), first);
    assert.ok(!readFileSync(path, 'utf8').includes(Buffer.from(first).toString('base64').slice(0, 12)), 'the master is not in the file in clear');
    assert.throws(() => openMasterSecretFile(path, 'wrong passphrase!!'), (e: unknown) => (e as { code?: string }).code === 'issuance_master_secret_unavailable');
    const sealed = JSON.parse(readFileSync(path, 'utf8')) as { ct: string };
    const ct = Buffer.from(sealed.ct, 'base64');
    ct[0]! ^= 1;
    writeFileSync(path, JSON.stringify({ ...sealed, ct: ct.toString('base64') }));
    assert.throws(() => openMasterSecretFile(path, 'correct horse battery'), (e: unknown) => (e as { code?: string }).code === 'issuance_master_secret_unavailable');
  });
});
