import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRegistryError } from '../../src/registry/codes.js';
import { lockPgliteDir } from '../../src/registry/pglite-lock.js';

describe('embedded registry lock (one process per PGlite directory)', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'cardauth-lock-')), 'registry');
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('refuses a directory held by another live process, naming it', async () => {
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    await once(holder, 'spawn');
    try {
      writeFileSync(`${dir}.lock`, String(holder.pid));
      assert.throws(
        () => lockPgliteDir(dir),
        (e: unknown) => isRegistryError(e, 'registry_in_use') && e.message.includes(String(holder.pid)),
      );
    } finally {
      holder.kill('SIGKILL');
      await once(holder, 'exit');
    }
    // Its process is gone: the lock is stale and taken over.
    const release = lockPgliteDir(dir);
    release();
    assert.equal(existsSync(`${dir}.lock`), false);
  });

  it('is released and can be taken again', () => {
    const release = lockPgliteDir(dir);
    assert.ok(existsSync(`${dir}.lock`));
    release();
    lockPgliteDir(dir)();
  });
});
