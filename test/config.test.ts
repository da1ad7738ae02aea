import assert from 'node:assert/strict';
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
});
