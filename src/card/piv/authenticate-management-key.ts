// Mutual authentication with the card management key (SP 800-73-4 Part 2
// Appendix A.1 "Mutual authentication of the card management key"; key
// reference 9B; 3DES or AES per SP 800-78-4):
//   1. `00 87 <alg> 9B 04 7C 02 80 00`   → 7C { 80 E(W) }     witness, encrypted
//   2. `00 87 <alg> 9B Lc 7C { 80 W, 81 C }` → 7C { 82 E(C) }  card proves the key
// The host proves the key by decrypting the witness; the card proves it by
// encrypting our random challenge, which we compare in constant time. A wrong
// key gives 6982 at step 2 (and clears the card's security state).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { CardChannel } from '../channel.js';
import { cardError } from '../codes.js';
import { ins, managementKeyAlgorithms, pivReferences, type ManagementKeyAlgorithm } from './constants.js';
import { exchange } from './lib/apdu.js';
import { decryptBlock, encryptBlock } from './lib/management-cipher.js';
import { fail, ok, type Fail, type Ok } from './lib/result.js';
import { zero } from './lib/secret.js';
import { sw, unexpectedStatus } from './lib/status.js';
import { concat, parseSingle, parseTlvs, requireTag, tlv } from './lib/tlv.js';

export type AuthenticateManagementKeyResult =
  | Ok
  | Fail<'wrong-management-key'>
  | Fail<'algorithm-mismatch'>
  | Fail<'blocked'>
  /** The card accepted us but could not encrypt our challenge: not the card we hold the key of. */
  | Fail<'card-not-authentic'>;

export function assertManagementKey(key: Uint8Array, algorithm: ManagementKeyAlgorithm): void {
  const spec = managementKeyAlgorithms[algorithm];
  if (spec === undefined) throw cardError('card_argument_invalid', 'Unknown management key algorithm');
  if (!(key instanceof Uint8Array) || key.length !== spec.keyLength) {
    throw cardError('card_argument_invalid', `A ${algorithm} management key is ${spec.keyLength} bytes`);
  }
}

export async function authenticateManagementKey(
  channel: CardChannel,
  key: Uint8Array,
  algorithm: ManagementKeyAlgorithm,
): Promise<AuthenticateManagementKeyResult> {
  assertManagementKey(key, algorithm);
  const { id, blockSize } = managementKeyAlgorithms[algorithm];
  const k = Uint8Array.from(key);
  let witness: Uint8Array | undefined;
  let challenge: Uint8Array | undefined;
  let expected: Uint8Array | undefined;
  try {
    const step1 = await exchange(channel, {
      ins: ins.GENERAL_AUTHENTICATE,
      p1: id,
      p2: pivReferences.MANAGEMENT_KEY,
      data: tlv(0x7c, tlv(0x80, new Uint8Array(0))),
      le: 256,
    });
    if (step1.sw === sw.INCORRECT_P1P2 || step1.sw === sw.INCORRECT_DATA) return fail('algorithm-mismatch');
    if (step1.sw === sw.AUTH_METHOD_BLOCKED) return fail('blocked');
    if (step1.sw !== sw.OK) throw unexpectedStatus('GENERAL AUTHENTICATE (witness)', step1.sw);
    const encryptedWitness = requireTag(parseTlvs(parseSingle(step1.data, 0x7c)), 0x80);
    if (encryptedWitness.length !== blockSize) {
      // A witness of another block size: the card's key is of another algorithm.
      return fail('algorithm-mismatch');
    }
    witness = decryptBlock(algorithm, k, encryptedWitness);
    challenge = new Uint8Array(randomBytes(blockSize));
    const data = tlv(0x7c, concat(tlv(0x80, witness), tlv(0x81, challenge)));
    const step2 = await exchange(channel, {
      ins: ins.GENERAL_AUTHENTICATE,
      p1: id,
      p2: pivReferences.MANAGEMENT_KEY,
      data,
      le: 256,
      sensitive: true,
    });
    data.fill(0);
    if (step2.sw === sw.SECURITY_STATUS_NOT_SATISFIED) return fail('wrong-management-key');
    if (step2.sw === sw.AUTH_METHOD_BLOCKED) return fail('blocked');
    if (step2.sw !== sw.OK) throw unexpectedStatus('GENERAL AUTHENTICATE (challenge)', step2.sw);
    const answer = requireTag(parseTlvs(parseSingle(step2.data, 0x7c)), 0x82);
    expected = encryptBlock(algorithm, k, challenge);
    if (answer.length !== expected.length || !timingSafeEqual(answer, expected)) return fail('card-not-authentic');
    return ok();
  } finally {
    zero(k, witness, challenge, expected);
  }
}
