// The vpcd transport: the card in a vpcd reader reconnects when
// pcscd restarts. The machine's shared pcscd is never touched: a private pcscd
// runs in its own mount namespace (tmpfs over /run/pcscd, the only socket
// pcscd 1.9.9 uses) with one vpcd reader on a free port.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manufactureCard } from '../../firmware-sim/index.js';
import { REPO_ROOT, runTool } from '../support/pcsc.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('e2e card: the simulator follows a pcscd restart', function () {
  this.timeout(180_000);
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'cardauth-e2e-restart-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('card seen, pcscd stopped (simulator notices), pcscd started again: the same card is back', async () => {
    const port = await freePort();
    const conf = join(dir, 'reader.conf.d');
    await mkdir(conf);
    const hex = `0x${port.toString(16).toUpperCase()}`;
    await writeFile(join(conf, 'vpcd'), `FRIENDLYNAME "Private VPCD"\nDEVICENAME   /dev/null:${hex}\nLIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID    ${hex}\n`);
    const cardFile = join(dir, 'card.json');
    await manufactureCard({ serial: 8_123_456, out: cardFile, factoryDir: join(dir, 'factory') });
    const fixture = join(REPO_ROOT, 'test', 'firmware-sim', 'fixtures', 'pcscd-restart.ts');
    const script = 'mkdir -p /run/pcscd && mount -t tmpfs cardauth-pcscd /run/pcscd && exec "$0" --import tsx "$1" "$2" "$3" "$4"';
    const r = await runTool('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, process.execPath, fixture, cardFile, String(port), conf], {
      cwd: REPO_ROOT, timeoutMs: 150_000,
    });
    const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
    assert.ok(line, `no result: ${r.stdout}\n${r.stderr}`);
    const res = JSON.parse(line) as Record<string, unknown>;
    assert.equal(res.failed, undefined, `${String(res.failed)}\nsimulator: ${String(res.simStderr)}\n${r.stderr}`);
    assert.equal(res.serialBefore, '8123456');
    assert.notEqual(res.readerWhileDown, true, 'no card while pcscd is down');
    assert.equal(res.serialAfter, '8123456');
    assert.equal(res.readyLines, 1, 'one readiness line, reconnections are reported on stderr');
    assert.equal(res.simExit, 0);
  });
});
