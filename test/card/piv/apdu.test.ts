// The APDU layer of the PIV client against a scripted channel (fast unit
// tests beside the real-card tests): exact chaining shapes (ISO/IEC 7816-4
// §5.1.1 CLA b5, 255-byte blocks), GET RESPONSE after 61xx, 6Cxx, bounds
// against a card that never stops, TLV parsing of hostile bytes, and the
// management-key check that the CARD knows the key.
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import type { CardChannel } from '../../../src/card/channel.js';
import { isCardError } from '../../../src/card/codes.js';
import { exchange } from '../../../src/card/piv/lib/apdu.js';
import { parseTlvs, tlv } from '../../../src/card/piv/lib/tlv.js';
import { PivClient } from '../../../src/card/piv/client.js';
import { factoryDefaults } from '../../../src/card/piv/constants.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'));

/** A channel that records what it is sent and answers from a function. */
function scripted(answer: (apdu: Uint8Array, index: number) => string | Uint8Array): CardChannel & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    readerName: 'scripted',
    atr: new Uint8Array(0),
    isOpen: true,
    async transmit(apdu) {
      sent.push(hex(apdu));
      const a = answer(Uint8Array.from(apdu), sent.length - 1);
      return typeof a === 'string' ? bytes(a) : a;
    },
    async reset() {},
    async close() {},
  };
}

describe('PIV client APDU layer (scripted channel)', () => {
  it('chains 600 bytes as 255 + 255 + 90 with CLA 10 on all but the last, Le on the last only', async () => {
    const ch = scripted(() => '9000');
    const data = new Uint8Array(600).map((_, i) => i & 0xff);
    const r = await exchange(ch, { ins: 0xdb, p1: 0x3f, p2: 0xff, data, le: 256 });
    assert.equal(r.sw, 0x9000);
    assert.equal(ch.sent.length, 3);
    assert.ok(ch.sent[0]!.startsWith('10DB3FFFFF'));
    assert.equal(ch.sent[0]!.length, (5 + 255) * 2);
    assert.ok(ch.sent[1]!.startsWith('10DB3FFFFF'));
    assert.ok(ch.sent[2]!.startsWith('00DB3FFF5A'));
    assert.equal(ch.sent[2]!.length, (5 + 90 + 1) * 2);
    assert.ok(ch.sent[2]!.endsWith('00'));
  });

  it('stops the chain at the first refusal and returns that status', async () => {
    const ch = scripted((_, i) => (i === 1 ? '6A80' : '9000'));
    const r = await exchange(ch, { ins: 0xdb, p1: 0x3f, p2: 0xff, data: new Uint8Array(700) });
    assert.equal(r.sw, 0x6a80);
    assert.equal(ch.sent.length, 2);
  });

  it('collects 61xx answers through GET RESPONSE (61 00 meaning 256 more)', async () => {
    const parts = [new Uint8Array(256).fill(1), new Uint8Array(256).fill(2), new Uint8Array(10).fill(3)];
    const ch = scripted((_, i) => {
      if (i === 0) return Buffer.concat([parts[0]!, bytes('6100')]);
      if (i === 1) return Buffer.concat([parts[1]!, bytes('610A')]);
      return Buffer.concat([parts[2]!, bytes('9000')]);
    });
    const r = await exchange(ch, { ins: 0xcb, p1: 0x3f, p2: 0xff, data: bytes('5C035FC105'), le: 256 });
    assert.equal(r.sw, 0x9000);
    assert.equal(r.data.length, 522);
    assert.deepEqual(ch.sent.slice(1), ['00C0000000', '00C000000A']);
  });

  it('resends once with the Le the card asks for on 6Cxx', async () => {
    const ch = scripted((apdu) => (apdu[apdu.length - 1] === 0x00 ? '6C03' : '0504039000'));
    const r = await exchange(ch, { ins: 0xfd, p1: 0, p2: 0, le: 256 });
    assert.deepEqual([...r.data], [5, 4, 3]);
    assert.deepEqual(ch.sent, ['00FD000000', '00FD000003']);
  });

  it('gives up with card_protocol_error on a card that keeps answering 61xx', async () => {
    const ch = scripted(() => Buffer.concat([new Uint8Array(256), bytes('6100')]));
    await assert.rejects(exchange(ch, { ins: 0xcb, p1: 0x3f, p2: 0xff, le: 256 }), (e: unknown) => isCardError(e, 'card_protocol_error'));
  });

  it('a response without a status word is a protocol error', async () => {
    const ch = scripted(() => '90');
    await assert.rejects(exchange(ch, { ins: 0xfd, p1: 0, p2: 0 }), (e: unknown) => isCardError(e, 'card_protocol_error'));
  });

  it('zeroes the APDU buffers of sensitive commands after sending', async () => {
    const seen: Uint8Array[] = [];
    const ch: CardChannel = { ...scripted(() => '9000'), async transmit(apdu) { seen.push(apdu); return bytes('9000'); } };
    await exchange(ch, { ins: 0x20, p1: 0, p2: 0x80, data: bytes('313233343536FFFF'), sensitive: true });
    assert.equal(seen.length, 1);
    assert.ok(seen[0]!.every((b) => b === 0));
  });

  it('an unexpected status word becomes card_unexpected_status with the word only in the detail', async () => {
    const piv = new PivClient(scripted(() => '6F00'));
    await assert.rejects(piv.verifyPin('123456'), (e: unknown) => isCardError(e, 'card_unexpected_status') && e.detail?.statusWord === '6F00' && !e.message.includes('123456'));
  });

  it('detects a card that accepts the host but cannot encrypt the host challenge (card-not-authentic)', async () => {
    const key = factoryDefaults.managementKey();
    const witness = bytes('0102030405060708');
    const enc = createCipheriv('des-ede3-ecb', key, null).setAutoPadding(false).update(witness);
    const ch = scripted((apdu, i) => {
      if (i === 0) return Buffer.concat([tlv(0x7c, tlv(0x80, enc)), bytes('9000')]);
      // Step 2: the host must send back the decrypted witness...
      assert.ok(hex(apdu).includes('8008' + hex(witness)));
      // ...and gets a wrong encryption of its challenge.
      return Buffer.concat([tlv(0x7c, tlv(0x82, new Uint8Array(8))), bytes('9000')]);
    });
    const piv = new PivClient(ch);
    assert.deepEqual(await piv.authenticateManagementKey(key, 'TDES'), { ok: false, reason: 'card-not-authentic' });
  });

  it('TLV parsing of arbitrary bytes either succeeds within bounds or fails with card_protocol_error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        try {
          const items = parseTlvs(b);
          let total = 0;
          for (const t of items) total += t.value.length;
          return total <= b.length;
        } catch (e) {
          return isCardError(e, 'card_protocol_error');
        }
      }),
      { numRuns: 20000 },
    );
  });

  it('TLV encode/parse round-trips every length form', () => {
    for (const n of [0, 1, 127, 128, 255, 256, 3000, 70000]) {
      const v = new Uint8Array(n).fill(7);
      const [t] = parseTlvs(tlv(0x5fc105, v));
      assert.equal(t?.tag, 0x5fc105);
      assert.equal(t?.value.length, n);
    }
  });
});
