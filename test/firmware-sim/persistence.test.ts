// The card is a file (its NVM): non-volatile state persists
// across power-off and simulator restarts, each change is on disk before its
// response, and a crash mid-write (SIGKILL) never leaves an unloadable card.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes, verify } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CardFileError, VirtualCard, describeCard } from '../../firmware-sim/index.js';
import { loadCardFile } from '../../firmware-sim/card/store.js';
import { mgmAuth, newCard, raw, send, verifyApdu } from './helpers.js';
import type { TestCard } from './helpers.js';
import { generate, publicKeyOf } from './key-helpers.js';
import { REPO_ROOT, waitFor } from '../support/pcsc.js';

describe('firmware-sim persistence', function () {
  this.timeout(120_000);
  let t: TestCard;
  beforeEach(async () => { t = await newCard(); });
  afterEach(() => t.cleanup());

  it('keys, objects, counters and the management key survive reopening; volatile state does not', async () => {
    await mgmAuth(t.card);
    const pub = publicKeyOf(await generate(t, 0x9a, 0x11), 0x11);
    assert.equal((await raw(t.card, '00DB3FFF095C035FC1025302AABB')).swHex, '9000');
    assert.equal((await raw(t.card, verifyApdu('999999'))).swHex, '63C2');
    await t.card.idle();

    const again = await VirtualCard.open(t.file);
    assert.equal((await raw(again, '00200080')).swHex, '63C2', 'counter persisted, PIN not verified');
    assert.equal((await raw(again, '00DB3FFF075C035FC1025300')).swHex, '6982', 'management authentication not persisted');
    assert.equal(Buffer.from((await send(again, '00CB3FFF055C035FC10200')).data).toString('hex'), '5302aabb');
    await raw(again, verifyApdu('123456'));
    const data = randomBytes(20);
    const digest = createHash('sha256').update(data).digest();
    const r = await send(again, `0087119A267C24820081 20${digest.toString('hex')}00`.replace(' ', ''));
    assert.equal(r.swHex, '9000');
    assert.ok(verify('sha256', data, pub, r.data.subarray(4)), 'the same private key after reopening');
  });

  it('show/describeCard reports state without secrets', async () => {
    const d = JSON.stringify(await describeCard(t.file));
    const state = await loadCardFile(t.file);
    const f9 = state.keys['f9']!.material;
    assert.ok(f9.kind === 'ec');
    for (const secret of [state.pin.hash, state.pin.salt, state.puk.hash, state.mgm.key, f9.d]) {
      assert.equal(d.includes(Buffer.from(secret).toString('hex')), false);
      assert.equal(d.includes(Buffer.from(secret).toString('base64')), false);
    }
    assert.match(d, /"serial":\d+/);
    assert.match(d, /"f9"/);
  });

  it('a damaged card file is refused with a clear error', async () => {
    const bad = join(t.dir, 'bad.json');
    writeFileSync(bad, '{"format":"firmware-sim/card@1","serial":1');
    await assert.rejects(VirtualCard.open(bad), CardFileError);
    writeFileSync(bad, JSON.stringify({ format: 'firmware-sim/card@1', serial: -1 }));
    await assert.rejects(VirtualCard.open(bad), /card file: invalid/);
    // A key whose public point does not belong to its scalar.
    const good = JSON.parse(readFileSync(t.file, 'utf8'));
    good.keys.f9.material.d = Buffer.alloc(32, 7).toString('base64');
    writeFileSync(bad, JSON.stringify(good));
    await assert.rejects(VirtualCard.open(bad), /card file: invalid key f9 material/);
  });

  it('SIGKILL during a write loop always leaves a loadable card', async () => {
    const kills = 6;
    let lastDone = -1;
    for (let k = 0; k < kills; k++) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/firmware-sim/fixtures/write-loop.ts'), t.file], {
        stdio: ['ignore', 'pipe', 'pipe'], cwd: REPO_ROOT,
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
      child.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      // Let it run a varying number of persisted changes, then kill it mid-flight.
      const target = 5 + k * 7;
      await waitFor(() => {
        if (child.exitCode !== null) throw new Error(`write loop died: ${err}`);
        return out.split('\n').filter(Boolean).length >= target;
      }, { what: 'the write loop', timeoutMs: 60_000 });
      child.kill('SIGKILL');
      await exited;
      const done = Number(out.trim().split('\n').pop());
      assert.ok(done >= target - 1);
      lastDone = done;
      const state = await loadCardFile(t.file);
      const obj = state.objects['5fc10d'];
      assert.ok(obj !== undefined, 'the object written before the kill is there');
      // The last acknowledged write (or a later one) is on disk, whole.
      const fill = obj[0]!;
      assert.ok(obj.every((b) => b === fill), 'object content is not torn');
      assert.ok(fill === (done & 0xff) || fill === ((done + 1) & 0xff), 'the last acknowledged write is on disk');
      assert.equal(obj.length, 100 + ((fill === (done & 0xff) ? done : done + 1) * 37) % 2500);
    }
    assert.ok(lastDone > 0);
    const card = await VirtualCard.open(t.file);
    assert.equal((await send(card, '00A4040005A000000308')).swHex, '9000');
    assert.equal(readdirSync(t.dir).filter((n) => n.endsWith('.tmp')).length, 0, 'stale temporary files were removed');
  });
});
