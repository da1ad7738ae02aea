// Raw PIV APDUs to a simulated card (firmware-sim), for the attestation
// tests: SELECT, management-key mutual authentication with the factory
// 3DES key (SP 800-73-4 Part 2 Appendix A.2), GENERATE ASYMMETRIC KEY PAIR
// with Yubico PIN/touch policies, Yubico ATTEST (INS F9), GET DATA of the F9
// certificate (5FFF01) and GENERAL AUTHENTICATE (a signature over a digest).
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, createPublicKey, type KeyObject } from 'node:crypto';
import { DEVICE, type VirtualCard } from '../../firmware-sim/index.js';

/** One APDU; follows 61xx with GET RESPONSE; returns data, asserts 9000. */
export async function apdu(card: VirtualCard, hex: string): Promise<Buffer> {
  let r = Buffer.from(await card.transmit(Buffer.from(hex, 'hex')));
  let data = r.subarray(0, r.length - 2);
  while (r[r.length - 2] === 0x61) {
    r = Buffer.from(await card.transmit(Buffer.from('00C0000000', 'hex')));
    data = Buffer.concat([data, r.subarray(0, r.length - 2)]);
  }
  const sw = r.readUInt16BE(r.length - 2);
  assert.equal(sw, 0x9000, `${hex.slice(0, 8)} → SW ${sw.toString(16)}`);
  return data;
}

function tdes(key: Buffer, block: Buffer, decrypt: boolean): Buffer {
  const c = decrypt ? createDecipheriv('des-ede3', key, null) : createCipheriv('des-ede3', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

export async function selectPiv(card: VirtualCard): Promise<void> {
  await apdu(card, '00A4040005A000000308');
}

/** SP 800-73-4 Part 2 Appendix A.2 mutual authentication with the factory 3DES management key. */
export async function authenticateManagementKey(card: VirtualCard): Promise<void> {
  const key = Buffer.from(DEVICE.defaultManagementKeyHex, 'hex');
  const r1 = await apdu(card, '0087039B047C028000');
  const witness = tdes(key, r1.subarray(4, 12), true);
  const challenge = Buffer.from('0123456789abcdef', 'hex');
  const body = Buffer.concat([Buffer.from([0x80, 8]), witness, Buffer.from([0x81, 8]), challenge]);
  const r2 = await apdu(card, `0087039B${(body.length + 2).toString(16).padStart(2, '0')}7C${body.length.toString(16)}${body.toString('hex')}`);
  assert.ok(r2.subarray(4, 12).equals(tdes(key, challenge, false)));
}

/** GENERATE ASYMMETRIC KEY PAIR, ECC P-256, with Yubico PIN (AA) and touch (AB) policies; returns the public key. */
export async function generate(card: VirtualCard, slot: string, pinPolicy: number): Promise<KeyObject> {
  const r = await apdu(card, `004700${slot}0BAC098001 11AA01${pinPolicy.toString(16).padStart(2, '0')}AB0101`.replace(/ /g, ''));
  // 7F49 L 86 41 04||X||Y
  const at = r.indexOf(Buffer.from([0x86, 0x41]));
  const point = r.subarray(at + 2, at + 2 + 65);
  const spki = Buffer.concat([Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'), point]);
  return createPublicKey({ key: spki, format: 'der', type: 'spki' });
}

/** Yubico ATTEST: the attestation certificate of the key in `slot`, signed by the card's F9 key. */
export function attest(card: VirtualCard, slot: string): Promise<Buffer> {
  return apdu(card, `00F9${slot}0000`);
}

/** The F9 certificate from the certificate container 5FFF01 (53 L { 70 L cert 71 01 00 FE 00 }). */
export async function f9Certificate(card: VirtualCard): Promise<Buffer> {
  const r = await apdu(card, '00CB3FFF055C035FFF0100');
  let p = 1;
  const len = (): number => {
    const b = r[p++]!;
    if (b < 0x80) return b;
    let n = 0;
    for (let i = 0; i < (b & 0x7f); i++) n = (n << 8) | r[p++]!;
    return n;
  };
  len();
  assert.equal(r[p++], 0x70);
  const l = len();
  return r.subarray(p, p + l);
}

/** VERIFY the PIV application PIN (80), padded with FF to 8 bytes. */
export async function verifyPin(card: VirtualCard, pin: string): Promise<void> {
  const padded = Buffer.alloc(8, 0xff);
  Buffer.from(pin, 'ascii').copy(padded);
  await apdu(card, `00200080 08${padded.toString('hex')}`.replace(/ /g, ''));
}

/**
 * GENERAL AUTHENTICATE with the P-256 key in `slot` over a 32-byte digest
 * (SP 800-73-4 Part 2 §3.2.4: 7C { 82 00, 81 digest }); returns the DER
 * ECDSA-Sig-Value the card answers (7C { 82 sig }).
 */
export async function signDigest(card: VirtualCard, slot: string, digest: Uint8Array): Promise<Buffer> {
  assert.equal(digest.length, 32);
  const body = Buffer.concat([Buffer.from([0x82, 0x00, 0x81, 0x20]), digest]);
  const r = await apdu(card, `008711${slot}${(body.length + 2).toString(16).padStart(2, '0')}7C${body.length.toString(16)}${Buffer.from(body).toString('hex')}00`);
  assert.ok(r[0] === 0x7c && r[2] === 0x82 && r[1]! < 0x80, 'dynamic authentication template 7C { 82 signature }');
  return r.subarray(4, 4 + r[3]!);
}
