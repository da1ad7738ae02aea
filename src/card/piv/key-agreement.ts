// ECDH with a key on the card: GENERAL AUTHENTICATE (SP 800-73-4 Part 2
// §3.2.4, Appendix A.5 "Key establishment"; SP 800-56A C(0e, 1s) with the
// card's static key):
//   `00 87 <alg> <slot> Lc 7C L { 82 00, 85 L <peer point 04‖X‖Y> } 00`
//   → `7C L { 82 L <shared secret: the x-coordinate Z> }`.
// Same access rules as signing (PIN per the key's policy).
import type { KeyObject } from 'node:crypto';
import type { CardChannel } from '../channel.js';
import { cardError } from '../codes.js';
import { assertKeySlot, ins, keyAlgorithms, type EcAlgorithm, type PivKeySlot } from './constants.js';
import { exchange } from './lib/apdu.js';
import { fail, ok, type Fail, type Ok } from './lib/result.js';
import { sw, unexpectedStatus } from './lib/status.js';
import { concat, parseSingle, parseTlvs, requireTag, tlv } from './lib/tlv.js';

export type KeyAgreementResult =
  | Ok<{ sharedSecret: Uint8Array }>
  | Fail<'security-status'>
  | Fail<'empty-slot'>
  | Fail<'algorithm-mismatch'>
  | Fail<'invalid-data'>;

const fieldBytes = { ECCP256: 32, ECCP384: 48 } as const;

/** The peer's public key as an uncompressed point (SEC 1 §2.3.3). */
function uncompressedPoint(peer: KeyObject, algorithm: EcAlgorithm): Uint8Array {
  const jwk = peer.export({ format: 'jwk' });
  const crv = algorithm === 'ECCP256' ? 'P-256' : 'P-384';
  if (jwk.kty !== 'EC' || jwk.crv !== crv || jwk.x === undefined || jwk.y === undefined) {
    throw cardError('card_argument_invalid', `The peer key is not a ${crv} public key`);
  }
  return concat(Uint8Array.of(0x04), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url'));
}

export async function keyAgreement(
  channel: CardChannel,
  slot: PivKeySlot,
  algorithm: EcAlgorithm,
  peerPublicKey: KeyObject,
): Promise<KeyAgreementResult> {
  assertKeySlot(slot);
  const point = uncompressedPoint(peerPublicKey, algorithm);
  const data = tlv(0x7c, concat(tlv(0x82, new Uint8Array(0)), tlv(0x85, point)));
  const r = await exchange(channel, { ins: ins.GENERAL_AUTHENTICATE, p1: keyAlgorithms[algorithm], p2: slot, data, le: 256 });
  if (r.sw === sw.SECURITY_STATUS_NOT_SATISFIED) return fail('security-status');
  if (r.sw === sw.REFERENCE_NOT_FOUND) return fail('empty-slot');
  if (r.sw === sw.INCORRECT_P1P2) return fail('algorithm-mismatch');
  if (r.sw === sw.INCORRECT_DATA) return fail('invalid-data');
  if (r.sw !== sw.OK) throw unexpectedStatus('GENERAL AUTHENTICATE (ECDH)', r.sw);
  const z = requireTag(parseTlvs(parseSingle(r.data, 0x7c)), 0x82);
  if (z.length !== fieldBytes[algorithm]) throw cardError('card_protocol_error', 'The card returned a shared secret of the wrong size');
  return ok({ sharedSecret: Uint8Array.from(z) });
}
