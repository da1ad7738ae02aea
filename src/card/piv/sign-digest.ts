// Sign with a key on the card: GENERAL AUTHENTICATE (SP 800-73-4 Part 2
// §3.2.4, Appendix A.4 "Digital signature"):
//   `00 87 <alg> <slot> Lc 7C L { 82 00, 81 L <input> } 00`
//   → `7C L { 82 L <output> }`.
// - ECDSA (P-256, P-384): the input is the digest; the card returns a DER
//   ECDSA-Sig-Value (SEC 1 §C.5). The card truncates digests longer than the
//   curve order (FIPS 186-4 §6.4), so any 1–64 byte digest is accepted.
// - RSA: raw RSA private-key operation on exactly modulus-length input (the
//   host pads, e.g. PKCS #1 v1.5); command- and response-chained.
// 6982: the key needs the PIN (for PIN policy ALWAYS: a VERIFY right before);
// 6A88: the slot has no key; 6A86: the key is not of that algorithm.
import type { CardChannel } from '../channel.js';
import { cardError } from '../codes.js';
import { assertKeySlot, isRsaAlgorithm, ins, keyAlgorithms, rsaModulusBytes, type KeyAlgorithm, type PivKeySlot } from './constants.js';
import { exchange } from './lib/apdu.js';
import { fail, ok, type Fail, type Ok } from './lib/result.js';
import { sw, unexpectedStatus } from './lib/status.js';
import { concat, parseSingle, parseTlvs, requireTag, tlv } from './lib/tlv.js';

export type SignDigestResult =
  | Ok<{ signature: Uint8Array }>
  | Fail<'security-status'>
  | Fail<'empty-slot'>
  | Fail<'algorithm-mismatch'>
  | Fail<'invalid-data'>;

/** A DER ECDSA-Sig-Value: SEQUENCE { INTEGER r, INTEGER s }. */
function assertEcdsaDer(sig: Uint8Array): void {
  const items = parseTlvs(parseSingle(sig, 0x30));
  if (items.length !== 2 || items.some((i) => i.tag !== 0x02 || i.value.length === 0)) {
    throw cardError('card_protocol_error', 'The card returned a malformed ECDSA signature');
  }
}

export async function signDigest(
  channel: CardChannel,
  slot: PivKeySlot,
  algorithm: KeyAlgorithm,
  input: Uint8Array,
): Promise<SignDigestResult> {
  assertKeySlot(slot);
  if (isRsaAlgorithm(algorithm)) {
    if (input.length !== rsaModulusBytes[algorithm]) {
      throw cardError('card_argument_invalid', `${algorithm} signing needs exactly ${rsaModulusBytes[algorithm]} bytes of padded input`);
    }
  } else if (input.length < 1 || input.length > 64) {
    throw cardError('card_argument_invalid', 'An ECDSA digest is 1 to 64 bytes');
  }
  const data = tlv(0x7c, concat(tlv(0x82, new Uint8Array(0)), tlv(0x81, input)));
  const r = await exchange(channel, { ins: ins.GENERAL_AUTHENTICATE, p1: keyAlgorithms[algorithm], p2: slot, data, le: 256 });
  if (r.sw === sw.SECURITY_STATUS_NOT_SATISFIED) return fail('security-status');
  if (r.sw === sw.REFERENCE_NOT_FOUND) return fail('empty-slot');
  if (r.sw === sw.INCORRECT_P1P2) return fail('algorithm-mismatch');
  if (r.sw === sw.INCORRECT_DATA) return fail('invalid-data');
  if (r.sw !== sw.OK) throw unexpectedStatus('GENERAL AUTHENTICATE (sign)', r.sw);
  const output = requireTag(parseTlvs(parseSingle(r.data, 0x7c)), 0x82);
  if (isRsaAlgorithm(algorithm)) {
    if (output.length !== rsaModulusBytes[algorithm]) throw cardError('card_protocol_error', 'The card returned an RSA result of the wrong size');
  } else {
    assertEcdsaDer(output);
  }
  return ok({ signature: Uint8Array.from(output) });
}
