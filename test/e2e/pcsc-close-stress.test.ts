// Closing the reader set must never freeze the process. node-pcsclite's
// close() joins its watcher threads on the JS thread; a close that lands
// while a watcher is between two SCardGetStatusChange calls used to lose its
// SCardCancel and block forever (about one in 200 cycles with the CPU busy;
// a CI run hung for 90 minutes on it). The cycles run in a child process so
// that a hang fails this test at its deadline instead of stopping mocha.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, acquireReader, runTool, type ReaderLease } from '../support/pcsc.js';

const CYCLES = 100;

describe('e2e PC/SC: opening and closing the reader set under CPU load never hangs', function () {
  this.timeout(240_000);
  let lease: ReaderLease;
  const burners: ChildProcess[] = [];

  before(async () => {
    // The readers are pcscd's, shared by every test: hold one so that no other
    // test process is mid-card-operation on the same pcscd while we stress it.
    lease = await acquireReader();
    for (let i = 0; i < 3; i++) burners.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  });

  after(async () => {
    for (const b of burners) b.kill('SIGKILL');
    await lease?.release();
  });

  it(`${CYCLES} open/close cycles finish`, async () => {
    const r = await runTool(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/support/pcsc-open-close.ts'), String(CYCLES)], {
      cwd: REPO_ROOT,
      timeoutMs: 180_000,
    });
    assert.equal(r.stdout.trim(), `done ${CYCLES}`, `exit ${r.code} (killed at the deadline if null); stderr: ${r.stderr}`);
    assert.equal(r.code, 0);
  });
});
