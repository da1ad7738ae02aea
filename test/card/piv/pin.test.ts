// PIN and PUK operations of the PIV client against an in-process card
// (SP 800-73-4 Part 2 §3.2.1–3.2.3; Yubico FA/FB), every typed outcome.
import assert from 'node:assert/strict';
import { cardFixture, type CardFixture } from '../card-fixture.js';
import { factoryDefaults, pivKeySlots } from '../../../src/card/piv/constants.js';
import { isCardError } from '../../../src/card/codes.js';
import { encodeSecret } from '../../../src/card/piv/lib/secret.js';
import { PivClient } from '../../../src/card/piv/client.js';
import { openInProcessChannel } from '../../../src/card/in-process.js';

describe('PIV client: PIN and PUK (in-process card)', () => {
  let fx: CardFixture;
  before(async () => {
    fx = await cardFixture();
  });
  after(async () => {
    await fx.cleanup();
  });

  it('verifies the right PIN and reports the verified state', async () => {
    const { piv } = await fx.newCard();
    assert.deepEqual(await piv.pinStatus(), { state: 'not-verified', triesLeft: 3 });
    assert.deepEqual(await piv.verifyPin('123456'), { ok: true });
    assert.deepEqual(await piv.pinStatus(), { state: 'verified' });
    await piv.logout();
    assert.deepEqual(await piv.pinStatus(), { state: 'not-verified', triesLeft: 3 });
  });

  it('counts wrong PINs down, blocks at zero, and a right PIN resets the counter before that', async () => {
    const { piv } = await fx.newCard();
    assert.deepEqual(await piv.verifyPin('654321'), { ok: false, reason: 'wrong-pin', triesLeft: 2 });
    assert.deepEqual(await piv.verifyPin('654321'), { ok: false, reason: 'wrong-pin', triesLeft: 1 });
    assert.deepEqual(await piv.verifyPin('123456'), { ok: true });
    assert.deepEqual(await piv.getRetries(), { ok: true, pin: { total: 3, remaining: 3 }, puk: { total: 3, remaining: 3 } });
    for (const left of [2, 1]) assert.deepEqual(await piv.verifyPin('000000'), { ok: false, reason: 'wrong-pin', triesLeft: left });
    assert.deepEqual(await piv.verifyPin('000000'), { ok: false, reason: 'blocked' });
    assert.deepEqual(await piv.verifyPin('123456'), { ok: false, reason: 'blocked' });
    assert.deepEqual(await piv.pinStatus(), { state: 'blocked' });
  });

  it('a wrong PIN clears the verified state', async () => {
    const { piv } = await fx.newCard();
    assert.equal((await piv.verifyPin('123456')).ok, true);
    assert.deepEqual(await piv.verifyPin('999999'), { ok: false, reason: 'wrong-pin', triesLeft: 2 });
    assert.deepEqual(await piv.pinStatus(), { state: 'not-verified', triesLeft: 2 });
  });

  it('unblocks with the PUK; wrong PUKs count down to puk-blocked; then only a reset helps', async () => {
    const { piv } = await fx.newCard();
    for (let i = 0; i < 3; i++) await piv.verifyPin('000000');
    assert.deepEqual(await piv.pinStatus(), { state: 'blocked' });
    assert.deepEqual(await piv.unblockPin('87654321', '222222'), { ok: false, reason: 'wrong-puk', triesLeft: 2 });
    assert.deepEqual(await piv.unblockPin('12345678', '222222'), { ok: true });
    assert.deepEqual(await piv.verifyPin('222222'), { ok: true });
    assert.deepEqual(await piv.getRetries(), { ok: true, pin: { total: 3, remaining: 3 }, puk: { total: 3, remaining: 3 } });

    // Reset is refused while anything is still usable.
    assert.deepEqual(await piv.reset(), { ok: false, reason: 'not-blocked' });
    for (let i = 0; i < 3; i++) await piv.verifyPin('000000');
    assert.deepEqual(await piv.unblockPin('00000000', '333333'), { ok: false, reason: 'wrong-puk', triesLeft: 2 });
    assert.deepEqual(await piv.unblockPin('00000000', '333333'), { ok: false, reason: 'wrong-puk', triesLeft: 1 });
    assert.deepEqual(await piv.unblockPin('00000000', '333333'), { ok: false, reason: 'puk-blocked' });
    assert.deepEqual(await piv.unblockPin('12345678', '333333'), { ok: false, reason: 'puk-blocked' });
    assert.deepEqual(await piv.reset(), { ok: true });
    assert.deepEqual(await piv.verifyPin(factoryDefaults.pin), { ok: true });
    assert.deepEqual(await piv.readCertificate(pivKeySlots.AUTHENTICATION), { ok: false, reason: 'not-found' });
  });

  it('changes the PIN and the PUK, with typed failures for wrong current values', async () => {
    const { piv } = await fx.newCard();
    assert.deepEqual(await piv.changePin('111111', '24681357'), { ok: false, reason: 'wrong-pin', triesLeft: 2 });
    assert.deepEqual(await piv.changePin('123456', '24681357'), { ok: true });
    assert.deepEqual(await piv.verifyPin('123456'), { ok: false, reason: 'wrong-pin', triesLeft: 2 });
    assert.deepEqual(await piv.verifyPin('24681357'), { ok: true });
    assert.deepEqual(await piv.changePuk('11111111', 'ab12cd34'), { ok: false, reason: 'wrong-puk', triesLeft: 2 });
    assert.deepEqual(await piv.changePuk('12345678', 'ab12cd34'), { ok: true });
    for (let i = 0; i < 3; i++) await piv.verifyPin('000000');
    assert.deepEqual(await piv.unblockPin('ab12cd34', '135790'), { ok: true });
    assert.deepEqual(await piv.verifyPin('135790'), { ok: true });
  });

  it('change-pin on a blocked PIN says blocked', async () => {
    const { piv } = await fx.newCard();
    for (let i = 0; i < 3; i++) await piv.verifyPin('000000');
    assert.deepEqual(await piv.changePin('123456', '654321'), { ok: false, reason: 'blocked' });
  });

  it('set-pin-retries needs the management key and the PIN, then sets the counters', async () => {
    const { piv } = await fx.newCard();
    assert.deepEqual(await piv.setPinRetries(5, 4), { ok: false, reason: 'security-status' });
    assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey(), 'TDES'), { ok: true });
    assert.deepEqual(await piv.verifyPin('123456'), { ok: true });
    assert.deepEqual(await piv.setPinRetries(5, 4), { ok: true });
    assert.deepEqual(await piv.getRetries(), { ok: true, pin: { total: 5, remaining: 5 }, puk: { total: 4, remaining: 4 } });
    assert.deepEqual(await piv.verifyPin('000000'), { ok: false, reason: 'wrong-pin', triesLeft: 4 });
  });

  it('a warm reset and a power cycle both clear the PIN-verified state', async () => {
    const { piv, channel, card } = await fx.newCard();
    assert.equal((await piv.verifyPin('123456')).ok, true);
    await channel.reset();
    assert.equal((await piv.select()).ok, true);
    assert.deepEqual(await piv.pinStatus(), { state: 'not-verified', triesLeft: 3 });

    assert.equal((await piv.verifyPin('123456')).ok, true);
    await channel.close(); // the owning channel powers the card off
    const again = new PivClient(await openInProcessChannel(card));
    assert.equal((await again.select()).ok, true);
    assert.deepEqual(await again.pinStatus(), { state: 'not-verified', triesLeft: 3 });
    await again.channel.close();
  });

  it('rejects malformed PINs and PUKs before anything reaches the card, without echoing them', async () => {
    const { piv } = await fx.newCard();
    for (const bad of ['12345', '123456789', '12a456', '', '١٢٣٤٥٦']) {
      await assert.rejects(piv.verifyPin(bad), (e: unknown) => isCardError(e, 'pin_format_invalid') && !e.message.includes(bad || '\u0000'));
    }
    await assert.rejects(piv.unblockPin('1234567\u00ff', '123456'), (e: unknown) => isCardError(e, 'pin_format_invalid'));
    // Nothing was counted.
    assert.deepEqual(await piv.pinStatus(), { state: 'not-verified', triesLeft: 3 });
  });

  it('encodes PIN and PUK as FF-padded 8-byte blocks', () => {
    assert.deepEqual([...encodeSecret('123456', 'pin')], [0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0xff, 0xff]);
    assert.deepEqual([...encodeSecret('12345678', 'puk')], [0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38]);
    assert.deepEqual([...encodeSecret(Uint8Array.of(0x39, 0x38, 0x37, 0x36, 0x35, 0x34, 0x33), 'pin')], [0x39, 0x38, 0x37, 0x36, 0x35, 0x34, 0x33, 0xff]);
  });
});
