// Key helpers for the card tests: GENERATE a key and turn the card's public key
// object (SP 800-73-4 Part 2 Table 23) into a node:crypto KeyObject.
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { send } from './helpers.js';
import { decodeOne, decodeTlvs } from '../../firmware-sim/tlv/ber.js';
import type { TestCard } from './helpers.js';

const h = (n: number) => n.toString(16).padStart(2, '0').toUpperCase();

export async function generate(t: TestCard, slot: number, alg: number, extra = ''): Promise<Uint8Array> {
  const tpl = `8001${h(alg)}${extra}`;
  const body = `AC${h(tpl.length / 2)}${tpl}`;
  const r = await send(t.card, `004700${h(slot)}${h(body.length / 2)}${body}00`);
  assert.equal(r.swHex, '9000', `generate ${h(slot)} ${h(alg)}`);
  return r.data;
}

export function publicKeyOf(resp: Uint8Array, alg: number): KeyObject {
  const b = Buffer.from(resp);
  if (alg === 0x11 || alg === 0x14) {
    const size = alg === 0x11 ? 32 : 48;
    const point = b.subarray(b.length - (2 * size + 1));
    return createPublicKey({
      key: { kty: 'EC', crv: alg === 0x11 ? 'P-256' : 'P-384', x: point.subarray(1, 1 + size).toString('base64url'), y: point.subarray(1 + size).toString('base64url') },
      format: 'jwk',
    });
  }
  // 7F49 { 81 <n> 82 <e> } (SP 800-73-4 Part 2 Table 23)
  const fields = new Map(decodeTlvs(decodeOne(resp, 0x7f49)).map((x) => [x.tag, Buffer.from(x.value)]));
  const n = fields.get(0x81)!;
  const e = fields.get(0x82)!;
  return createPublicKey({ key: { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') }, format: 'jwk' });
}

