// Card state survives killing (SIGKILL) and restarting the
// simulator; removing the card (power-off) clears the PIN-verified state. Real
// pcscd + vpcd, checked with opensc-tool and yubico-piv-tool.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runTool, setupSimCard } from '../support/pcsc.js';
import type { SimCardFixture } from '../support/pcsc.js';
import { cardApdus, cardExchange } from './card-tools.js';

describe('e2e card: persistence across simulator restarts', function () {
  this.timeout(300_000);
  let f: SimCardFixture;
  before(async () => { f = await setupSimCard({ serial: 7_300_000 + Math.floor(Math.random() * 100_000) }); });
  after(async () => { await f.teardown(); });

  it('keys, objects, PIN and counters survive SIGKILL + restart; the verified state does not', async () => {
    const ypt = async (...args: string[]) => {
      const r = await runTool('yubico-piv-tool', ['-r', f.readerName, ...args]);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}\n${f.sim.stderr()}`);
      return r.stdout + r.stderr;
    };
    const pub = join(f.dir, 'pub.pem');
    await ypt('-a', 'generate', '-s', '9a', '-A', 'ECCP256', '-o', pub);
    await ypt('-a', 'change-pin', '-P', '123456', '-N', '975310');
    await ypt('-a', 'set-chuid');
    const wrong = await runTool('yubico-piv-tool', ['-r', f.readerName, '-a', 'verify-pin', '-P', '000000']);
    assert.match(wrong.stderr, /2 tries left/);
    const before = await cardExchange(f.readerName, ['00A4040005A000000308', '00CB3FFF055C035FC10200', '0020008008393735333130FFFF', '00200080']);
    assert.deepEqual(before.map((r) => r.sw), ['9000', '9000', '9000', '9000']);

    // The PIN is verified right now (OpenSC does not reset). Kill the simulator hard.
    const oldPid = f.sim.pid;
    await f.restart({ kill: true });
    assert.notEqual(f.sim.pid, oldPid);

    const after = await cardExchange(f.readerName, ['00A4040005A000000308', '00CB3FFF055C035FC10200', '00200080', '00F7009A00']);
    assert.equal(after[1]!.data, before[1]!.data, 'CHUID survived');
    assert.equal(after[2]!.sw, '63C3', 'PIN no longer verified (power lost), counter back to 3 after the successful VERIFY');
    assert.equal(after[3]!.sw, '9000', 'key in 9A survived');
    const meta = after[3]!.data;
    const point = meta.slice(meta.indexOf('8641') + 4);
    const pubDer = (await runTool('openssl', ['pkey', '-pubin', '-in', pub, '-outform', 'DER'])).stdout;
    assert.ok(Buffer.from(pubDer, 'latin1').toString('hex').toUpperCase().endsWith(point), 'same public key');
    assert.match(await ypt('-a', 'verify-pin', '-P', '975310'), /Successfully verified PIN/);
  });

  it('a clean stop (card removed) and restart also clears the PIN state and keeps the counter', async () => {
    assert.deepEqual(await cardApdus(f.readerName, ['00A4040005A000000308', '0020008008303030303030FFFF']), ['9000', '63C2']);
    assert.deepEqual(await cardApdus(f.readerName, ['0020008008393735333130FFFF', '00200080']), ['9000', '9000']);
    await f.restart();
    assert.deepEqual(await cardApdus(f.readerName, ['00200080']), ['63C3']);
    const wrong = await cardApdus(f.readerName, ['0020008008303030303030FFFF']);
    assert.deepEqual(wrong, ['63C2']);
    await f.restart({ kill: true });
    assert.deepEqual(await cardApdus(f.readerName, ['00200080']), ['63C2'], 'the decremented counter was on disk before the answer');
  });
});
