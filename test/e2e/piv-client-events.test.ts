// PC/SC reader events and transport faults through real pcscd + vpcd, with
// the simulated card as a separate process (firmware-sim run): insertion and
// removal are seen as events, a card killed mid-operation gives card_removed,
// a fresh connect after re-insertion works, the old channel stays dead.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manufactureCard } from '../../firmware-sim/index.js';
import { PcscReaders } from '../../src/card/pcsc/index.js';
import type { CardInsertedEvent, CardRemovedEvent } from '../../src/card/channel.js';
import { isCardError } from '../../src/card/codes.js';
import { PivClient } from '../../src/card/piv/client.js';
import { factoryDefaults, pivKeySlots } from '../../src/card/piv/constants.js';
import { acquireReader, runTool, startSimCard, type ReaderLease, type SimCardProcess } from '../support/pcsc.js';

describe('PC/SC readers: events and card removal (pcscd + vpcd + firmware-sim process)', function () {
  this.timeout(120_000);
  let dir: string;
  let cardFile: string;
  let lease: ReaderLease;
  let readers: PcscReaders;
  let sim: SimCardProcess | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cardauth-e2e-events-'));
    cardFile = join(dir, 'card.card');
    await manufactureCard({ serial: 31337, out: cardFile, factoryDir: join(dir, 'factory') });
    lease = await acquireReader();
    readers = await PcscReaders.open();
  });

  after(async () => {
    await readers?.close();
    await sim?.stop().catch(() => undefined);
    await lease?.release();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the vpcd reader as empty, then sees the card inserted and removed as events', async () => {
    const listed = await readers.list();
    const mine = listed.find((r) => r.name === lease.readerName);
    assert.deepEqual(mine, { name: lease.readerName, cardPresent: false, atr: undefined });
    await assert.rejects(readers.connect(lease.readerName), (e: unknown) => isCardError(e, 'no_card'));

    const inserted: CardInsertedEvent[] = [];
    const removed: CardRemovedEvent[] = [];
    const offI = readers.on('inserted', (e) => e.reader === lease.readerName && inserted.push(e));
    const offR = readers.on('removed', (e) => e.reader === lease.readerName && removed.push(e));
    const waiting = readers.waitForCard(lease.readerName, { timeoutMs: 30_000 });
    sim = await startSimCard({ cardFile, port: lease.port });
    const info = await waiting;
    assert.equal(info.cardPresent, true);
    assert.equal(Buffer.from(info.atr!).toString('hex').toUpperCase(), '3BFD1300008131FE158073C021C057597562694B657940');
    assert.equal(inserted.length, 1);

    const ch = await readers.connect(lease.readerName);
    assert.deepEqual(ch.atr, info.atr);
    const piv = new PivClient(ch);
    assert.equal((await piv.select()).ok, true);
    assert.deepEqual(await piv.getSerial(), { ok: true, serial: 31337 });
    await ch.close();

    const gone = new Promise<void>((resolve) => {
      const off = readers.on('removed', (e) => {
        if (e.reader === lease.readerName) {
          off();
          resolve();
        }
      });
    });
    await sim.stop();
    sim = undefined;
    await gone;
    assert.equal(removed.length, 1);
    assert.equal((await readers.list()).find((r) => r.name === lease.readerName)?.cardPresent, false);
    await assert.rejects(readers.connect(lease.readerName), (e: unknown) => isCardError(e, 'no_card'));
    offI();
    offR();
  });

  it('a card killed mid-operation gives card_removed; after re-insertion a new channel works and the old one stays dead', async () => {
    sim = await startSimCard({ cardFile, port: lease.port });
    await readers.waitForCard(lease.readerName, { timeoutMs: 30_000 });
    const ch = await readers.connect(lease.readerName);
    const piv = new PivClient(ch);
    assert.equal((await piv.select()).ok, true);
    assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey()), { ok: true });

    // Keep the card busy with multi-APDU operations, and kill the card process meanwhile.
    let failure: unknown;
    const busy = (async () => {
      for (;;) {
        try {
          await piv.readCertificate(pivKeySlots.ATTESTATION);
          await piv.getVersion();
        } catch (e) {
          failure = e;
          return;
        }
      }
    })();
    const killed = sim.kill();
    sim = undefined;
    await killed;
    await busy;
    assert.ok(isCardError(failure, 'card_removed'), `expected card_removed, got ${String((failure as Error)?.message ?? failure)}`);
    assert.equal(ch.isOpen, false);
    await assert.rejects(piv.getVersion(), (e: unknown) => isCardError(e, 'card_removed') || isCardError(e, 'card_channel_closed'));

    // The card comes back (state persisted in its file); a new channel works.
    sim = await startSimCard({ cardFile, port: lease.port });
    await readers.waitForCard(lease.readerName, { timeoutMs: 30_000 });
    await assert.rejects(piv.getVersion(), (e: unknown) => isCardError(e, 'card_removed') || isCardError(e, 'card_channel_closed'));
    const again = new PivClient(await readers.connect(lease.readerName));
    assert.equal((await again.select()).ok, true);
    assert.deepEqual(await again.getSerial(), { ok: true, serial: 31337 });
    await again.channel.close();
  });

  it('reset() of a PC/SC channel clears the PIN state; close with leave keeps it for the next connection', async () => {
    if (sim === undefined) sim = await startSimCard({ cardFile, port: lease.port });
    await readers.waitForCard(lease.readerName, { timeoutMs: 30_000 });
    let piv = new PivClient(await readers.connect(lease.readerName));
    assert.equal((await piv.select()).ok, true);
    assert.deepEqual(await piv.verifyPin('123456'), { ok: true });
    await piv.channel.close({ disposition: 'leave' });
    piv = new PivClient(await readers.connect(lease.readerName));
    assert.deepEqual(await piv.pinStatus(), { state: 'verified' });
    await piv.channel.reset();
    assert.equal((await piv.select()).ok, true);
    assert.deepEqual(await piv.pinStatus(), { state: 'not-verified', triesLeft: 3 });
    await assert.rejects(readers.connect(lease.readerName), (e: unknown) => isCardError(e, 'reader_busy'));
    await piv.channel.close({ disposition: 'reset' });
  });

  it('when another application resets the card (yubico-piv-tool does on disconnect), the next command says card_reset and the channel recovers', async () => {
    if (sim === undefined) sim = await startSimCard({ cardFile, port: lease.port });
    await readers.waitForCard(lease.readerName, { timeoutMs: 30_000 });
    const piv = new PivClient(await readers.connect(lease.readerName));
    assert.equal((await piv.select()).ok, true);
    assert.deepEqual(await piv.verifyPin('123456'), { ok: true });
    const tool = await runTool('yubico-piv-tool', ['-r', lease.readerName, '-a', 'status']);
    assert.equal(tool.code, 0, tool.stderr);
    assert.match(tool.stdout, /Serial Number:\s+31337/);
    await assert.rejects(piv.pinStatus(), (e: unknown) => isCardError(e, 'card_reset'));
    // The handle was re-established: the card answers again, with its security state gone.
    assert.equal(piv.channel.isOpen, true);
    assert.equal((await piv.select()).ok, true);
    assert.deepEqual(await piv.pinStatus(), { state: 'not-verified', triesLeft: 3 });
    await piv.channel.close();
  });

  it('two connects at once on one reader: one channel, the other reader_busy', async () => {
    if (sim === undefined) sim = await startSimCard({ cardFile, port: lease.port });
    await readers.waitForCard(lease.readerName, { timeoutMs: 30_000 });
    const results = await Promise.allSettled([readers.connect(lease.readerName), readers.connect(lease.readerName)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    assert.ok(isCardError((lost[0] as PromiseRejectedResult).reason, 'reader_busy'));
    const ch = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<PcscReaders['connect']>>>).value;
    assert.equal((await new PivClient(ch).select()).ok, true);
    await ch.close();
  });

  it('an unknown reader is reader_not_found', async () => {
    await assert.rejects(readers.connect('No Such Reader 99'), (e: unknown) => isCardError(e, 'reader_not_found'));
    await assert.rejects(readers.waitForCard('No Such Reader 99', { timeoutMs: 10 }), (e: unknown) => isCardError(e, 'reader_not_found'));
  });
});
