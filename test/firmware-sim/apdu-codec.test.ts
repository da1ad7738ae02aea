// ISO/IEC 7816-4 §5.1 command APDU cases 1–4, short and extended, and the
// BER-TLV rules of §5.2 (SP 800-73-4 Part 1 Appendix A).
import assert from 'node:assert/strict';
import { parseCommandApdu, encodeCommandApdu } from '../../firmware-sim/apdu/command.js';
import { SwError } from '../../firmware-sim/apdu/sw.js';
import { decodeTlvs, tlv } from '../../firmware-sim/tlv/ber.js';
import fc from 'fast-check';
import { hex } from './helpers.js';

function swOf(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    if (e instanceof SwError) return e.sw;
    throw e;
  }
  throw new Error('no SwError');
}

describe('firmware-sim APDU codec', () => {
  it('decodes the four short cases', () => {
    assert.deepEqual({ ...parseCommandApdu(hex('00A40400')), data: [] }, { cla: 0, ins: 0xa4, p1: 4, p2: 0, data: [], ne: undefined, extended: false });
    assert.equal(parseCommandApdu(hex('00CB3FFF00')).ne, 256);
    assert.equal(parseCommandApdu(hex('00CB3FFF08')).ne, 8);
    const c3 = parseCommandApdu(hex('00A4040005A000000308'));
    assert.equal(Buffer.from(c3.data).toString('hex'), 'a000000308');
    assert.equal(c3.ne, undefined);
    const c4 = parseCommandApdu(hex('00CB3FFF035C017E08'));
    assert.equal(c4.data.length, 3);
    assert.equal(c4.ne, 8);
  });

  it('decodes the extended cases', () => {
    assert.equal(parseCommandApdu(hex('00CB3FFF000000')).ne, 65536);
    assert.equal(parseCommandApdu(hex('00CB3FFF000100')).ne, 256);
    const data = new Uint8Array(300).fill(7);
    const c = parseCommandApdu(encodeCommandApdu({ cla: 0, ins: 0xdb, p1: 0x3f, p2: 0xff, data, ne: 65536 }));
    assert.equal(c.data.length, 300);
    assert.equal(c.ne, 65536);
    assert.equal(c.extended, true);
  });

  it('answers 6700 to every malformed length', () => {
    for (const h of ['', '00', '00A404', '00A4040005A0000003', '00A4040005A00000030800AA', '00CB3FFF0000', '00CB3FFF000005AABB', '00CB3FFF000000AA']) {
      assert.equal(swOf(() => parseCommandApdu(hex(h))), 0x6700, h);
    }
  });

  it('decodes BER-TLV with multi-byte tags and long lengths, and rejects truncation with 6A80', () => {
    const value = new Uint8Array(300).fill(1);
    const t = decodeTlvs(Uint8Array.from([...tlv(0x5fc105, value), ...tlv(0x7e, Uint8Array.of(1))]));
    assert.equal(t[0]!.tag, 0x5fc105);
    assert.equal(t[0]!.value.length, 300);
    assert.equal(t[1]!.tag, 0x7e);
    for (const h of ['5C', '5C03', '5C035FC1', '7C8200', '5F', '5FC1', '7C84000000', '7C80']) {
      assert.equal(swOf(() => decodeTlvs(hex(h))), 0x6a80, h);
    }
  });

  it('property: encode → parse is the identity for every case, short and extended', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }),
      fc.uint8Array({ maxLength: 600 }), fc.option(fc.integer({ min: 1, max: 65536 }), { nil: undefined }),
      (cla, ins, p1, p2, data, ne) => {
        const c = parseCommandApdu(encodeCommandApdu({ cla, ins, p1, p2, data, ne }));
        assert.deepEqual([c.cla, c.ins, c.p1, c.p2, Buffer.from(c.data).toString('hex'), c.ne], [cla, ins, p1, p2, Buffer.from(data).toString('hex'), ne]);
      },
    ), { numRuns: 2000 });
  });

  it('property: arbitrary bytes either parse or fail with SwError 6700, nothing else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      try {
        parseCommandApdu(bytes);
      } catch (e) {
        assert.ok(e instanceof SwError && e.sw === 0x6700);
      }
    }), { numRuns: 5000 });
  });

  it('property: TLV encode → decode round-trips; arbitrary bytes fail only with 6A80', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ tag: fc.constantFrom(0x53, 0x5c, 0x7c, 0x7e, 0x80, 0x81, 0x82, 0x5fc105, 0x7f49, 0x5f2f), value: fc.uint8Array({ maxLength: 700 }) }), { maxLength: 5 }),
      (items) => {
        const enc = Uint8Array.from(items.flatMap((i) => [...tlv(i.tag, i.value)]));
        const dec = decodeTlvs(enc);
        assert.deepEqual(dec.map((d) => [d.tag, Buffer.from(d.value).toString('hex')]), items.map((i) => [i.tag, Buffer.from(i.value).toString('hex')]));
      },
    ), { numRuns: 1000 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      try {
        decodeTlvs(bytes);
      } catch (e) {
        assert.ok(e instanceof SwError && e.sw === 0x6a80);
      }
    }), { numRuns: 5000 });
  });
});
