// The sealed management-key master secret (src/issuance/adapters/
// master-secret-file.ts): AES-256-GCM with the full 16-byte tag. A file whose
// tag was cut short (GCM accepts 4- to 16-byte tags unless told otherwise,
// NIST SP 800-38D §5.2.1.2, and a truncated genuine tag still verifies) is
// refused like a tampered one, before anything is decrypted.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMasterSecretFile } from '../../../src/issuance/adapters/master-secret-file.js';

const PASSPHRASE = 'correct horse battery';
const unavailable = (e: unknown): boolean => (e as { code?: string }).code === 'issuance_master_secret_unavailable';

describe('issuance/adapters master secret file: GCM tag length', () => {
  let dir: string;
  let path: string;
  let master: Uint8Array;
  let sealed: { tag: string } & Record<string, unknown>;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardauth-master-'));
    path = join(dir, 'keys', 'management-master.json');
    master = openMasterSecretFile(path, PASSPHRASE);
    sealed = JSON.parse(readFileSync(path, 'utf8')) as typeof sealed;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a 16-byte tag and opens the file it wrote', () => {
    assert.equal(Buffer.from(sealed.tag, 'base64').length, 16);
    assert.deepEqual(openMasterSecretFile(path, PASSPHRASE), master);
  });

  for (const bytes of [4, 8, 12, 15]) {
    it(`refuses the genuine tag cut to ${bytes} bytes (issuance_master_secret_unavailable)`, () => {
      const short = join(dir, `short-${bytes}.json`);
      writeFileSync(short, JSON.stringify({ ...sealed, tag: Buffer.from(sealed.tag, 'base64').subarray(0, bytes).toString('base64') }), { mode: 0o600 });
      assert.throws(() => openMasterSecretFile(short, PASSPHRASE), unavailable);
    });
  }

  it('refuses a tag longer than 16 bytes (issuance_master_secret_unavailable)', () => {
    const long = join(dir, 'long.json');
    writeFileSync(long, JSON.stringify({ ...sealed, tag: Buffer.concat([Buffer.from(sealed.tag, 'base64'), Buffer.alloc(1)]).toString('base64') }), { mode: 0o600 });
    assert.throws(() => openMasterSecretFile(long, PASSPHRASE), unavailable);
  });
});
