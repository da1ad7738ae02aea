// InProcessReaders: the CardReaders contract without pcscd (events, waiting,
// dispositions, removal mid-operation), against real firmware-sim cards.
import assert from 'node:assert/strict';
import { VirtualCard } from '../../firmware-sim/index.js';
import { InProcessReaders, openInProcessChannel } from '../../src/card/in-process.js';
import { isCardError } from '../../src/card/codes.js';
import { PivClient } from '../../src/card/piv/client.js';
import { cardFixture, type CardFixture } from './card-fixture.js';

const R = 'In-process reader 0';

describe('in-process card readers', () => {
  let fx: CardFixture;
  before(async () => {
    fx = await cardFixture();
  });
  after(async () => {
    await fx.cleanup();
  });

  it('lists readers, announces insert and remove, and waits for a card', async () => {
    const readers = new InProcessReaders([R, 'In-process reader 1']);
    const events: string[] = [];
    readers.on('inserted', (e) => events.push(`inserted ${e.reader} ${Buffer.from(e.atr).toString('hex')}`));
    readers.on('removed', (e) => events.push(`removed ${e.reader}`));
    assert.deepEqual(await readers.list(), [
      { name: R, cardPresent: false, atr: undefined },
      { name: 'In-process reader 1', cardPresent: false, atr: undefined },
    ]);
    const card = await VirtualCard.open(await fx.newCardFile());
    const waiting = readers.waitForCard(R, { timeoutMs: 5000 });
    await readers.insert(R, card);
    const info = await waiting;
    assert.equal(info.cardPresent, true);
    assert.equal(Buffer.from(info.atr!).toString('hex').toUpperCase(), '3BFD1300008131FE158073C021C057597562694B657940');
    // Already present: resolves at once.
    assert.equal((await readers.waitForCard(R)).cardPresent, true);
    await readers.remove(R);
    assert.deepEqual(events, [`inserted ${R} 3bfd1300008131fe158073c021c057597562694b657940`, `removed ${R}`]);
    await readers.close();
  });

  it('waitForCard times out, can be aborted, and knows only real readers', async () => {
    const readers = new InProcessReaders([R]);
    await assert.rejects(readers.waitForCard(R, { timeoutMs: 20 }), (e: unknown) => isCardError(e, 'card_wait_timeout'));
    const ac = new AbortController();
    const p = readers.waitForCard(R, { signal: ac.signal });
    ac.abort();
    await assert.rejects(p, (e: unknown) => isCardError(e, 'card_wait_aborted'));
    await assert.rejects(readers.waitForCard('nope'), (e: unknown) => isCardError(e, 'reader_not_found'));
    await readers.close();
  });

  it('connect: no_card, reader_not_found, reader_busy', async () => {
    const readers = new InProcessReaders([R]);
    await assert.rejects(readers.connect(R), (e: unknown) => isCardError(e, 'no_card'));
    await assert.rejects(readers.connect('nope'), (e: unknown) => isCardError(e, 'reader_not_found'));
    await readers.insert(R, await VirtualCard.open(await fx.newCardFile()));
    const ch = await readers.connect(R);
    await assert.rejects(readers.connect(R), (e: unknown) => isCardError(e, 'reader_busy'));
    await ch.close();
    const again = await readers.connect(R);
    await again.close();
    await readers.close();
  });

  it('disposition leave keeps the PIN state for the next channel (as pcscd does); reset and unpower clear it', async () => {
    const readers = new InProcessReaders([R]);
    await readers.insert(R, await VirtualCard.open(await fx.newCardFile()));
    const session = async (): Promise<PivClient> => new PivClient(await readers.connect(R));

    let piv = await session();
    assert.equal((await piv.select()).ok, true);
    assert.equal((await piv.verifyPin('123456')).ok, true);
    await piv.channel.close({ disposition: 'leave' });
    piv = await session();
    assert.deepEqual(await piv.pinStatus(), { state: 'verified' });
    await piv.channel.close({ disposition: 'reset' });
    piv = await session();
    assert.equal((await piv.select()).ok, true);
    assert.deepEqual(await piv.pinStatus(), { state: 'not-verified', triesLeft: 3 });
    assert.equal((await piv.verifyPin('123456')).ok, true);
    await piv.channel.close({ disposition: 'unpower' });
    piv = await session();
    assert.equal((await piv.select()).ok, true);
    assert.deepEqual(await piv.pinStatus(), { state: 'not-verified', triesLeft: 3 });
    await readers.close();
  });

  it('a card removed mid-operation gives card_removed, and the channel stays dead after re-insertion', async () => {
    const readers = new InProcessReaders([R]);
    const card = await VirtualCard.open(await fx.newCardFile());
    await readers.insert(R, card);
    const piv = new PivClient(await readers.connect(R));
    assert.equal((await piv.select()).ok, true);
    // Remove while the large certificate read is under way (between two APDUs).
    let sent = 0;
    const inner = piv.channel;
    const spy = new PivClient({
      readerName: inner.readerName, atr: inner.atr, get isOpen() { return inner.isOpen; },
      async transmit(apdu) {
        if (++sent === 2) await readers.remove(R);
        return inner.transmit(apdu);
      },
      reset: () => inner.reset(), close: (o) => inner.close(o),
    });
    await assert.rejects(spy.getData(0x5fff01), (e: unknown) => isCardError(e, 'card_removed'));
    assert.equal(inner.isOpen, false);
    await readers.insert(R, card);
    await assert.rejects(piv.select(), (e: unknown) => isCardError(e, 'card_removed') || isCardError(e, 'card_channel_closed'));
    const fresh = new PivClient(await readers.connect(R));
    assert.equal((await fresh.select()).ok, true);
    await readers.close();
  });

  it('a standalone channel powers the card on and off; after close it refuses to transmit', async () => {
    const card = await VirtualCard.open(await fx.newCardFile());
    const ch = await openInProcessChannel(card);
    assert.equal(card.isPowered, true);
    await ch.close();
    assert.equal(card.isPowered, false);
    await assert.rejects(ch.transmit(Uint8Array.of(0, 0xfd, 0, 0, 0)), (e: unknown) => isCardError(e, 'card_channel_closed'));
  });
});
