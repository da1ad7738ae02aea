// The PC/SC reader set and pcscd itself: a clear pcsc_unavailable error when
// no pcscd answers, and recovery when pcscd stops and starts again under a
// running reader set. The shared pcscd of the machine is never touched: the
// restart test runs its own pcscd in a private mount namespace (tmpfs over
// /run/pcscd) with one vpcd reader on a free port, and its own card process.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manufactureCard } from '../../firmware-sim/index.js';
import { REPO_ROOT, runTool } from '../support/pcsc.js';

const PROBE = join(REPO_ROOT, 'test', 'card', 'pcsc-probe.ts');

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

function lastJson(stdout: string): Record<string, unknown> {
  const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  assert.ok(line, `probe printed no result: ${stdout}`);
  return JSON.parse(line) as Record<string, unknown>;
}

describe('PC/SC reader set and pcscd availability', function () {
  this.timeout(180_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cardauth-e2e-pcscd-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('says pcsc_unavailable, with how to start pcscd, when no pcscd answers on the socket', async () => {
    // libpcsclite honours PCSCLITE_CSOCK_NAME on the client side: point it at a socket nobody serves.
    const r = await runTool(process.execPath, ['--import', 'tsx', PROBE, 'open'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PCSCLITE_CSOCK_NAME: join(dir, 'no-pcscd-here.comm') },
      timeoutMs: 60_000,
    });
    const res = lastJson(r.stdout);
    assert.equal(res.ok, false);
    assert.equal(res.code, 'pcsc_unavailable');
    assert.match(String(res.message), /pcscd/);
    assert.match(String(res.message), /0x8010001d/);
  });

  it('follows pcscd stopping and starting again: card and reader removed, then back, old channel dead, new channel works', async () => {
    const port = await freePort();
    const conf = join(dir, 'reader.conf.d');
    await mkdir(conf);
    const hex = `0x${port.toString(16).toUpperCase()}`;
    await writeFile(join(conf, 'vpcd'), `FRIENDLYNAME "Private VPCD"\nDEVICENAME   /dev/null:${hex}\nLIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID    ${hex}\n`);
    const cardFile = join(dir, 'card.card');
    await manufactureCard({ serial: 424242, out: cardFile, factoryDir: join(dir, 'factory') });
    const script = `mkdir -p /run/pcscd && mount -t tmpfs cardauth-pcscd /run/pcscd && exec "$0" --import tsx "$1" restart "$2" "$3" "$4"`;
    const r = await runTool('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, process.execPath, PROBE, cardFile, String(port), conf], {
      cwd: REPO_ROOT,
      timeoutMs: 150_000,
    });
    const res = lastJson(r.stdout);
    assert.equal(res.failed, undefined, `${JSON.stringify(res.failed)}\n${r.stderr}`);
    assert.deepEqual(res.before, { ok: true, serial: 424242 });
    assert.equal(res.selected, true);
    assert.equal((res.whileDown as { code?: string }).code, 'card_removed');
    assert.equal(res.oldChannelOpen, false);
    assert.ok(!(res.listWhileDown as string[]).includes('Private VPCD 00 00'));
    assert.equal(res.cardPresent, true);
    assert.equal(res.selectedAgain, true);
    assert.deepEqual(res.after, { ok: true, serial: 424242 });
    const events = res.events as string[];
    const at = (e: string): number => events.indexOf(e);
    assert.ok(at('removed Private VPCD 00 00') >= 0 && at('removed Private VPCD 00 00') < at('reader-removed Private VPCD 00 00'), events.join(', '));
    assert.ok(at('reader-added Private VPCD 00 00') > at('reader-removed Private VPCD 00 00'), events.join(', '));
    assert.ok(events.lastIndexOf('inserted Private VPCD 00 00') > at('reader-added Private VPCD 00 00'), events.join(', '));
  });
});
