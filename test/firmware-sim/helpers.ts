// Shared helpers for the in-process card tests: a fresh card file per test
// (manufactured by the real factory code into a temporary directory) and APDU
// exchange helpers that follow 61xx response chaining like a host would.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { VirtualCard, manufactureCard } from '../../firmware-sim/index.js';

export const FACTORY_DIR = join(tmpdir(), `cardauth-test-factory-${process.pid}`);
// One factory per test process, removed when the process ends.
process.once('exit', () => rmSync(FACTORY_DIR, { recursive: true, force: true }));
export const DEFAULT_MGM = Buffer.from('010203040506070801020304050607080102030405060708', 'hex');

export interface TestCard {
  card: VirtualCard;
  file: string;
  dir: string;
  cleanup(): void;
}

let serialCounter = 10_000_000 + (process.pid % 1000) * 1000;

export async function newCard(serial = ++serialCounter): Promise<TestCard> {
  const dir = mkdtempSync(join(tmpdir(), 'cardauth-card-'));
  const file = join(dir, 'card.json');
  await manufactureCard({ serial, out: file, factoryDir: FACTORY_DIR });
  const card = await VirtualCard.open(file);
  return { card, file, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
export const toHex = (u: Uint8Array): string => Buffer.from(u).toString('hex').toUpperCase();

export interface Reply {
  data: Uint8Array;
  sw: number;
  /** SW as 4 upper-case hex digits, for readable assertions. */
  swHex: string;
}

function split(r: Uint8Array): Reply {
  const sw = (r[r.length - 2]! << 8) | r[r.length - 1]!;
  return { data: r.subarray(0, r.length - 2), sw, swHex: sw.toString(16).toUpperCase().padStart(4, '0') };
}

/** One exchange, no chaining help. */
export async function raw(card: VirtualCard, apdu: Uint8Array | string): Promise<Reply> {
  return split(await card.transmit(typeof apdu === 'string' ? hex(apdu) : apdu));
}

/** One exchange, then GET RESPONSE while the card says 61xx. */
export async function send(card: VirtualCard, apdu: Uint8Array | string): Promise<Reply> {
  let r = await raw(card, apdu);
  const parts: Uint8Array[] = [r.data];
  while ((r.sw >> 8) === 0x61) {
    const le = r.sw & 0xff;
    r = await raw(card, Uint8Array.of(0x00, 0xc0, 0x00, 0x00, le));
    parts.push(r.data);
  }
  return { ...r, data: new Uint8Array(Buffer.concat(parts)) };
}

/** Send a command with data of any length, command-chained in 255-byte chunks. */
export async function sendChained(card: VirtualCard, head: [number, number, number, number], data: Uint8Array): Promise<Reply> {
  let off = 0;
  for (;;) {
    const chunk = data.subarray(off, off + 255);
    off += chunk.length;
    const last = off >= data.length;
    const apdu = Uint8Array.from([last ? head[0] : head[0] | 0x10, head[1], head[2], head[3], chunk.length, ...chunk, ...(last ? [0] : [])]);
    if (last) return send(card, apdu);
    const r = await raw(card, apdu);
    if (r.sw !== 0x9000) return r;
  }
}

export const SELECT_PIV = '00A4040005A000000308';
export function pinBlock(pin: string): string {
  return Buffer.concat([Buffer.from(pin, 'latin1'), Buffer.alloc(8 - pin.length, 0xff)]).toString('hex');
}
export const verifyApdu = (pin: string): string => `0020008008${pinBlock(pin)}`;

function ecb(alg: number, key: Buffer, block: Uint8Array, decrypt = false): Buffer {
  const cipher = alg === 0x03 ? 'des-ede3' : `aes-${key.length * 8}-ecb`;
  const c = decrypt ? createDecipheriv(cipher, key, null) : createCipheriv(cipher, key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

/** Mutual authentication with the management key (SP 800-73-4 Part 2 Appendix A.2). Returns the final SW. */
export async function mgmAuth(card: VirtualCard, key: Buffer = DEFAULT_MGM, alg = 0x03): Promise<Reply> {
  const block = alg === 0x03 ? 8 : 16;
  const p1 = alg.toString(16).padStart(2, '0');
  const r1 = await send(card, `0087${p1}9B047C028000`);
  if (r1.sw !== 0x9000) return r1;
  const witnessEnc = r1.data.subarray(4, 4 + block);
  const witness = ecb(alg, key, witnessEnc, true);
  const challenge = Buffer.alloc(block, 0x5a);
  const body = Buffer.concat([Buffer.from([0x80, block]), witness, Buffer.from([0x81, block]), challenge]);
  const tpl = Buffer.concat([Buffer.from([0x7c, body.length]), body]);
  const r2 = await send(card, Buffer.concat([Buffer.from([0x00, 0x87, alg, 0x9b, tpl.length]), tpl]).toString('hex'));
  if (r2.sw !== 0x9000) return r2;
  const expected = ecb(alg, key, challenge);
  if (!Buffer.from(r2.data.subarray(4)).equals(expected)) throw new Error('card did not prove the management key');
  return r2;
}

export { ecb };
