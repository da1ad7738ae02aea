// GET METADATA (Yubico extension INS F7, YubiKey ≥ 5.3; yubikit piv.py's tags):
// `00 F7 00 <slot> 00` → TLVs 01 algorithm, 02 policy (PIN, touch), 03 origin
// (01 generated on the card, 02 imported), 04 public key (7F49 members),
// 05 is-default (PIN / PUK / management key still at the factory value),
// 06 retries (total, remaining). Slots: key slots, 9B, 80 (PIN), 81 (PUK).
import type { KeyObject } from 'node:crypto';
import type { CardChannel } from '../channel.js';
import { cardError } from '../codes.js';
import {
  algorithmById,
  ins,
  isPivKeySlot,
  keyAlgorithms,
  nameOf,
  pinPolicies,
  pivReferences,
  touchPolicies,
  type KeyAlgorithm,
  type ManagementKeyAlgorithm,
  type PinPolicy,
  type PivKeySlot,
  type TouchPolicy,
} from './constants.js';
import { exchange } from './lib/apdu.js';
import { publicKeyFromTlvs } from './lib/public-key.js';
import { fail, ok, type Fail, type Ok } from './lib/result.js';
import { sw, unexpectedStatus } from './lib/status.js';
import { findTag, parseTlvs } from './lib/tlv.js';

export type MetadataSlot = PivKeySlot | (typeof pivReferences)[keyof typeof pivReferences];

export interface SlotMetadata {
  readonly algorithm: KeyAlgorithm | ManagementKeyAlgorithm | 'PIN' | 'unknown';
  readonly pinPolicy: PinPolicy | undefined;
  readonly touchPolicy: TouchPolicy | undefined;
  readonly origin: 'generated' | 'imported' | undefined;
  readonly publicKey: KeyObject | undefined;
  readonly isDefault: boolean | undefined;
  readonly retries: { readonly total: number; readonly remaining: number } | undefined;
}

export type GetMetadataResult = Ok<{ metadata: SlotMetadata }> | Fail<'empty-slot'> | Fail<'not-supported'>;

const referenceValues: ReadonlySet<number> = new Set(Object.values(pivReferences));

export async function getMetadata(channel: CardChannel, slot: MetadataSlot): Promise<GetMetadataResult> {
  if (!isPivKeySlot(slot) && !referenceValues.has(slot)) throw cardError('card_argument_invalid', 'Not a slot with metadata');
  const r = await exchange(channel, { ins: ins.YK_GET_METADATA, p1: 0x00, p2: slot, le: 256 });
  if (r.sw === sw.REFERENCE_NOT_FOUND) return fail('empty-slot');
  if (r.sw === sw.INS_NOT_SUPPORTED) return fail('not-supported');
  if (r.sw !== sw.OK) throw unexpectedStatus('GET METADATA', r.sw);
  const items = parseTlvs(r.data);
  const alg = findTag(items, 0x01);
  const policy = findTag(items, 0x02);
  const origin = findTag(items, 0x03);
  const key = findTag(items, 0x04);
  const isDefault = findTag(items, 0x05);
  const retries = findTag(items, 0x06);
  const algorithm: SlotMetadata['algorithm'] = alg?.[0] === undefined ? 'unknown' : (algorithmById.get(alg[0]) ?? 'unknown');
  let publicKey: KeyObject | undefined;
  if (key !== undefined && key.length > 0 && algorithm !== 'unknown' && algorithm in keyAlgorithms) {
    publicKey = publicKeyFromTlvs(parseTlvs(key), algorithm as KeyAlgorithm);
  }
  const pinByte = policy?.[0];
  const touchByte = policy?.[1];
  const metadata: SlotMetadata = {
    algorithm,
    pinPolicy: pinByte === undefined ? undefined : nameOf(pinPolicies, pinByte),
    touchPolicy: touchByte === undefined ? undefined : nameOf(touchPolicies, touchByte),
    origin: origin?.[0] === 0x01 ? 'generated' : origin?.[0] === 0x02 ? 'imported' : undefined,
    publicKey,
    isDefault: isDefault?.[0] === undefined ? undefined : isDefault[0] !== 0,
    retries: retries !== undefined && retries.length === 2 ? { total: retries[0]!, remaining: retries[1]! } : undefined,
  };
  return ok({ metadata });
}
