// CHUID / CCC content (SP 800-73-4 Part 1 §3.1.1–3.1.2) and the factory
// reset of a personalised card (Yubico FB after blocking PIN and PUK).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { encodeChuid, parseChuid, NON_FEDERAL_FASCN } from '../../../src/card/piv/chuid.js';
import { encodeCcc } from '../../../src/card/piv/ccc.js';
import { factoryDefaults, pivKeySlots, pivObjects } from '../../../src/card/piv/constants.js';
import { isCardError } from '../../../src/card/codes.js';
import { cardFixture, type CardFixture } from '../card-fixture.js';

describe('PIV client: CHUID, CCC and factory reset', () => {
  let fx: CardFixture;
  before(async () => {
    fx = await cardFixture();
  });
  after(async () => {
    await fx.cleanup();
  });

  it('encodes the CHUID as yubico-piv-tool does and parses it back', () => {
    const guid = Uint8Array.from(Buffer.from('00112233445566778899aabbccddeeff', 'hex'));
    const c = encodeChuid({ guid, expiry: '20300101' });
    assert.equal(
      Buffer.from(c).toString('hex').toUpperCase(),
      '3019D4E739DA739CED39CE739D836858210842108421C84210C3EB' + '3410' + '00112233445566778899AABBCCDDEEFF' + '3508' + Buffer.from('20300101').toString('hex').toUpperCase() + '3E00FE00',
    );
    assert.deepEqual(parseChuid(c), { fascn: NON_FEDERAL_FASCN, guid, expiry: '20300101' });
    assert.throws(() => encodeChuid({ guid: new Uint8Array(15), expiry: '20300101' }), (e: unknown) => isCardError(e, 'card_argument_invalid'));
    assert.throws(() => encodeChuid({ guid, expiry: '2030-01-01' }), (e: unknown) => isCardError(e, 'card_argument_invalid'));
    assert.throws(() => parseChuid(Uint8Array.of(0x34, 0x02, 1, 2)), (e: unknown) => isCardError(e, 'card_protocol_error'));
  });

  it('encodes the CCC with the GSC-RID card identifier', () => {
    const id = new Uint8Array(14).fill(0xab);
    const c = Buffer.from(encodeCcc(id)).toString('hex').toUpperCase();
    assert.ok(c.startsWith('F015A000000116FF02' + 'AB'.repeat(14) + 'F10121F20121F300F40100F50110'));
    assert.ok(c.endsWith('FE00'));
    assert.throws(() => encodeCcc(new Uint8Array(13)), (e: unknown) => isCardError(e, 'card_argument_invalid'));
  });

  it('factory-resets a personalised card whose PIN and PUK are unknown: blank again, F9 kept', async () => {
    const { piv } = await fx.newCard();
    assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey()), { ok: true });
    assert.ok((await piv.generateKey(pivKeySlots.AUTHENTICATION, 'ECCP256')).ok);
    assert.deepEqual(await piv.putData(pivObjects.CHUID, encodeChuid({ guid: new Uint8Array(randomBytes(16)), expiry: '20300101' })), { ok: true });
    const aes = new Uint8Array(randomBytes(32));
    assert.deepEqual(await piv.setManagementKey(aes, 'AES256'), { ok: true });
    assert.deepEqual(await piv.changePin('123456', '97531086'), { ok: true });
    assert.deepEqual(await piv.changePuk('12345678', '86420975'), { ok: true });

    assert.deepEqual(await piv.factoryReset(), { ok: true });
    assert.deepEqual(await piv.verifyPin(factoryDefaults.pin), { ok: true });
    assert.deepEqual(await piv.authenticateManagementKey(factoryDefaults.managementKey()), { ok: true });
    assert.deepEqual(await piv.getMetadata(pivKeySlots.AUTHENTICATION), { ok: false, reason: 'empty-slot' });
    assert.deepEqual(await piv.getData(pivObjects.CHUID), { ok: false, reason: 'not-found' });
    assert.equal((await piv.readCertificate(pivKeySlots.ATTESTATION)).ok, true);
    assert.deepEqual(await piv.getRetries(), { ok: true, pin: { total: 3, remaining: 3 }, puk: { total: 3, remaining: 3 } });
  });
});
