import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applySecretFiles } from '../src/composition/secret-files.js';
import { loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('has embedded defaults', () => {
    const c = loadConfig({});
    assert.equal(c.port, 8080);
    assert.equal(c.workers, 1);
    assert.equal(c.baseUrl, 'http://127.0.0.1:8080');
    assert.equal(c.databaseUrl, undefined);
  });

  it('refuses a typo with the variable named', () => {
    assert.throws(() => loadConfig({ CARDAUTH_PORT: 'eighty' }), /CARDAUTH_PORT/);
    assert.throws(() => loadConfig({ CARDAUTH_COUNTRY: 'kh' }), /CARDAUTH_COUNTRY/);
    assert.throws(() => loadConfig({ CARDAUTH_CHALLENGE_TTL_SECONDS: '301' }), /CARDAUTH_CHALLENGE_TTL_SECONDS/);
  });

  it('refuses several processes on per-process state', () => {
    assert.throws(() => loadConfig({ CARDAUTH_WORKERS: '2', DATABASE_URL: 'postgres://x' }), /needs REDIS_URL/);
    assert.throws(() => loadConfig({ CARDAUTH_WORKERS: '2', REDIS_URL: 'redis://x' }), /needs DATABASE_URL/);
    assert.equal(loadConfig({ CARDAUTH_WORKERS: '2', REDIS_URL: 'redis://x', DATABASE_URL: 'postgres://x' }).workers, 2);
  });

  it('reads DATABASE_URL and REDIS_URL from <NAME>_FILE (a container secret) unless they are set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardauth-secrets-'));
    try {
      writeFileSync(join(dir, 'db'), 'postgres://cardauth:s3cret@db/cardauth\n');
      writeFileSync(join(dir, 'empty'), '');
      const env: NodeJS.ProcessEnv = { DATABASE_URL_FILE: join(dir, 'db'), REDIS_URL: 'redis://given' , REDIS_URL_FILE: join(dir, 'db') };
      applySecretFiles(env);
      assert.equal(env.DATABASE_URL, 'postgres://cardauth:s3cret@db/cardauth');
      assert.equal(env.REDIS_URL, 'redis://given', 'a value set directly wins');
      assert.throws(() => applySecretFiles({ DATABASE_URL_FILE: join(dir, 'missing') }), (e: { code?: string; message: string }) => e.code === 'config_invalid' && /ENOENT/.test(e.message));
      assert.throws(() => applySecretFiles({ REDIS_URL_FILE: join(dir, 'empty') }), /is empty/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
