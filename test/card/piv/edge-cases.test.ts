// Typed outcomes that need a particular card: a key imported rather than
// generated (cannot be attested), a PIV card without the Yubico extensions
// (scripted), and a card without the PIV application.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { CardChannel } from '../../../src/card/channel.js';
import { PivClient } from '../../../src/card/piv/client.js';
import { factoryDefaults, pivKeySlots } from '../../../src/card/piv/constants.js';
import { cardFixture, type CardFixture } from '../card-fixture.js';

/** A channel answering every command with one status word (a card that knows none of them). */
function answering(status: string): CardChannel {
  return {
    readerName: 'scripted',
    atr: new Uint8Array(0),
    isOpen: true,
    transmit: async () => new Uint8Array(Buffer.from(status, 'hex')),
    reset: async () => {},
    close: async () => {},
  };
}

describe('PIV client: edge outcomes', () => {
  let fx: CardFixture;
  before(async () => {
    fx = await cardFixture();
  });
  after(async () => {
    await fx.cleanup();
  });

  it('an imported key (Yubico IMPORT KEY, FE) cannot be attested: not-attestable', async () => {
    const { piv, channel } = await fx.newCard();
    assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey()), { ok: true });
    // The client has no import operation (keys are generated on the card); send FE raw.
    const scalar = randomBytes(32);
    scalar[0] = 0x01; // well below the P-256 order
    const apdu = Buffer.concat([Buffer.from([0x00, 0xfe, 0x11, 0x9d, 2 + 32, 0x06, 0x20]), scalar]);
    const r = await channel.transmit(new Uint8Array(apdu));
    assert.equal(Buffer.from(r).toString('hex'), '9000');
    const m = await piv.getMetadata(pivKeySlots.KEY_MANAGEMENT);
    assert.ok(m.ok && m.metadata.origin === 'imported');
    assert.deepEqual(await piv.attest(pivKeySlots.KEY_MANAGEMENT), { ok: false, reason: 'not-attestable' });
  });

  it('a PIV card without the Yubico extensions: not-supported for serial, version, metadata, retries, attest', async () => {
    const piv = new PivClient(answering('6D00'));
    assert.deepEqual(await piv.getSerial(), { ok: false, reason: 'not-supported' });
    assert.deepEqual(await piv.getVersion(), { ok: false, reason: 'not-supported' });
    assert.deepEqual(await piv.getMetadata(pivKeySlots.AUTHENTICATION), { ok: false, reason: 'not-supported' });
    assert.deepEqual(await piv.getRetries(), { ok: false, reason: 'not-supported' });
    assert.deepEqual(await piv.attest(pivKeySlots.AUTHENTICATION), { ok: false, reason: 'not-supported' });
  });

  it('a card without the PIV application: select says not-found, PivClient.open too', async () => {
    assert.deepEqual(await new PivClient(answering('6A82')).select(), { ok: false, reason: 'not-found' });
    assert.deepEqual(await PivClient.open(answering('6A82')), { ok: false, reason: 'not-found' });
    const { channel } = await fx.newCard();
    const opened = await PivClient.open(channel);
    assert.equal(opened.ok, true);
  });

  it('operations of one client never interleave (a VERIFY cannot slip between VERIFY and SIGN)', async () => {
    const { piv, channel } = await fx.newCard();
    assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey()), { ok: true });
    const g = await piv.generateKey(pivKeySlots.AUTHENTICATION, 'ECCP256', { pinPolicy: 'always' });
    assert.ok(g.ok);
    const seen: number[] = [];
    const spy = new PivClient({
      readerName: channel.readerName,
      atr: channel.atr,
      isOpen: true,
      transmit: (a) => {
        seen.push(a[1]!);
        return channel.transmit(a);
      },
      reset: () => channel.reset(),
      close: (o) => channel.close(o),
    });
    const digest = new Uint8Array(32).fill(9);
    const [signed, status] = await Promise.all([spy.verifyPinAndSign('123456', pivKeySlots.AUTHENTICATION, 'ECCP256', digest), spy.pinStatus(), spy.getSerial()]);
    assert.equal(signed.ok, true);
    assert.ok('state' in status);
    assert.deepEqual(seen.slice(0, 2), [0x20, 0x87], 'VERIFY is followed at once by GENERAL AUTHENTICATE');
  });
});
