// Write (or delete) the certificate of a key slot (SP 800-73-4 Part 1
// Appendix A): container content 70 { DER } 71 01 { CertInfo } FE 00 { LRC,
// empty }, as yubico-piv-tool and OpenSC write and read it. With `compress`,
// the DER is gzipped and CertInfo says so.
import { X509Certificate } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { CardChannel } from '../channel.js';
import { cardError } from '../codes.js';
import { assertKeySlot, certificateObjectOf, type PivKeySlot } from './constants.js';
import { putData, type PutDataResult } from './put-data.js';
import { concat, tlv } from './lib/tlv.js';

export async function writeCertificate(
  channel: CardChannel,
  slot: PivKeySlot,
  der: Uint8Array,
  options: { compress?: boolean } = {},
): Promise<PutDataResult> {
  assertKeySlot(slot);
  try {
    // Refuse to write bytes that are not a certificate: a reader of the card would choke on them.
    new X509Certificate(der);
  } catch (cause) {
    throw cardError('card_argument_invalid', 'The bytes to write are not a DER X.509 certificate', { cause });
  }
  const compress = options.compress === true;
  const body = compress ? new Uint8Array(gzipSync(der)) : der;
  const content = concat(tlv(0x70, body), tlv(0x71, Uint8Array.of(compress ? 0x01 : 0x00)), tlv(0xfe, new Uint8Array(0)));
  return putData(channel, certificateObjectOf(slot), content);
}

/** Empty the slot's certificate container (53 00). */
export async function deleteCertificate(channel: CardChannel, slot: PivKeySlot): Promise<PutDataResult> {
  assertKeySlot(slot);
  return putData(channel, certificateObjectOf(slot), new Uint8Array(0));
}
