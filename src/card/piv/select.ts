// SELECT the PIV card application (SP 800-73-4 Part 2 §3.1.1).
//
// `00 A4 04 00 Lc AID 00` with the right-truncated AID A0 00 00 03 08. The
// card answers the application property template 61 { 4F PIX, 79 { 4F AID of
// the authority }, 50 label?, AC algorithms? }. 6A82 means the card has no
// PIV application.
import type { CardChannel } from '../channel.js';
import { PIV_AID, ins } from './constants.js';
import { exchange } from './lib/apdu.js';
import { fail, ok, type Fail, type Ok } from './lib/result.js';
import { sw, unexpectedStatus } from './lib/status.js';
import { findTag, parseSingle, parseTlvs } from './lib/tlv.js';

export type SelectResult =
  | Ok<{
      /** The application identifier (PIX part) the card reports, tag 4F. */
      applicationId: Uint8Array;
      /** Label (tag 50), when the card sends one. */
      label: string | undefined;
    }>
  | Fail<'not-found'>;

export async function select(channel: CardChannel): Promise<SelectResult> {
  const r = await exchange(channel, { ins: ins.SELECT, p1: 0x04, p2: 0x00, data: PIV_AID, le: 256 });
  if (r.sw === sw.NOT_FOUND) return fail('not-found');
  if (r.sw !== sw.OK) throw unexpectedStatus('SELECT PIV', r.sw);
  // Some cards answer 9000 without data; the selection still holds.
  if (r.data.length === 0) return ok({ applicationId: new Uint8Array(0), label: undefined });
  const items = parseTlvs(parseSingle(r.data, 0x61));
  const label = findTag(items, 0x50);
  return ok({
    applicationId: Uint8Array.from(findTag(items, 0x4f) ?? new Uint8Array(0)),
    label: label === undefined ? undefined : Buffer.from(label).toString('latin1'),
  });
}
