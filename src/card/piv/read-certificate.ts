// Read the certificate of a key slot (SP 800-73-4 Part 1 Appendix A, "X.509
// Certificate for ..." containers): GET DATA of the slot's container, whose
// content is 70 { DER certificate } 71 { CertInfo } FE { LRC }. CertInfo bit
// 0x01 means the certificate is gzip-compressed (Part 1 Table 10 note; cards
// personalised by other tools do this for large certificates).
import { gunzipSync } from 'node:zlib';
import type { CardChannel } from '../channel.js';
import { cardError } from '../codes.js';
import { assertKeySlot, certificateObjectOf, type PivKeySlot } from './constants.js';
import { getData } from './get-data.js';
import { fail, ok, type Fail, type Ok } from './lib/result.js';
import { findTag, parseTlvs } from './lib/tlv.js';

export type ReadCertificateResult = Ok<{ der: Uint8Array; compressed: boolean }> | Fail<'not-found'> | Fail<'security-status'>;

/** Largest certificate accepted after decompression (a container holds ~3 KB; be generous). */
const MAX_CERTIFICATE_BYTES = 16384;

export async function readCertificate(channel: CardChannel, slot: PivKeySlot): Promise<ReadCertificateResult> {
  assertKeySlot(slot);
  const r = await getData(channel, certificateObjectOf(slot));
  if (!r.ok) return r;
  // An emptied container (53 00) holds no certificate.
  if (r.value.length === 0) return fail('not-found');
  const items = parseTlvs(r.value);
  const cert = findTag(items, 0x70);
  if (cert === undefined || cert.length === 0) return fail('not-found');
  const info = findTag(items, 0x71);
  const compressed = info !== undefined && info.length > 0 && (info[0]! & 0x01) !== 0;
  if (!compressed) return ok({ der: Uint8Array.from(cert), compressed });
  try {
    return ok({ der: new Uint8Array(gunzipSync(cert, { maxOutputLength: MAX_CERTIFICATE_BYTES })), compressed });
  } catch (cause) {
    throw cardError('card_protocol_error', 'The certificate on the card is marked compressed but does not decompress', { cause });
  }
}
