// Structured logger: secret-looking fields never reach a line; the buffered
// logger writes once per event-loop turn and still flushes at process exit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createLogger } from '../../src/util/log.js';
import { capture } from '../support/capture.js';
import { REPO_ROOT } from '../support/pcsc.js';

describe('logger', () => {
  it('redacts secret-looking fields at any depth, keeps counters and ids', () => {
    const { lines: writes, sink } = capture();
    createLogger({ sink }).info('x', { pin: '123456', nested: { managementKey: 'aa', token: 't', pinTriesLeft: 2, keyId: 'k1' }, password: 'p' });
    const line = JSON.parse(writes[0]!);
    assert.equal(line.pin, '[redacted]');
    assert.equal(line.password, '[redacted]');
    assert.deepEqual(line.nested, { managementKey: '[redacted]', token: '[redacted]', pinTriesLeft: 2, keyId: 'k1' });
    assert.ok(!writes[0]!.includes('123456'));
  });

  it('buffered: the lines of one turn (children included) go out in one write, in order', async () => {
    const { lines: writes, sink } = capture();
    const log = createLogger({ sink, buffered: true, base: { svc: 't' } });
    log.info('one');
    log.child({ req: 7 }).warn('two');
    log.debug('dropped at info level');
    assert.equal(writes.length, 0);
    await new Promise((r) => setImmediate(r));
    assert.equal(writes.length, 1);
    assert.deepEqual(writes[0]!.trim().split('\n').map((l) => JSON.parse(l).msg), ['one', 'two']);
    assert.equal(JSON.parse(writes[0]!.trim().split('\n')[1]!).req, 7);
  });

  it('buffered: lines logged just before process.exit are written', () => {
    const script = `import { createLogger } from './src/util/log.ts'; const log = createLogger({ buffered: true }); log.error('last words', { code: 'x' }); process.exit(3);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(r.status, 3);
    assert.equal(JSON.parse(r.stderr.trim()).msg, 'last words');
  });
});
