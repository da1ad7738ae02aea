// ATTEST (Yubico extension INS F9; the certificate's format: docs/piv-wire.md):
// `00 F9 <slot> 00 00` → a DER certificate for the key in <slot>, signed by the
// card's factory key in F9, carrying the serial, firmware version and the
// key's PIN / touch policy (OIDs 1.3.6.1.4.1.41482.3.*). Only keys generated
// on the card can be attested. The caller verifies the chain (pki/).
import type { CardChannel } from '../channel.js';
import { assertKeySlot, ins, type PivKeySlot } from './constants.js';
import { exchange } from './lib/apdu.js';
import { fail, ok, type Fail, type Ok } from './lib/result.js';
import { sw, unexpectedStatus } from './lib/status.js';

export type AttestResult = Ok<{ der: Uint8Array }> | Fail<'empty-slot'> | Fail<'not-attestable'> | Fail<'not-supported'>;

export async function attest(channel: CardChannel, slot: PivKeySlot): Promise<AttestResult> {
  assertKeySlot(slot);
  const r = await exchange(channel, { ins: ins.YK_ATTEST, p1: slot, p2: 0x00, le: 256 });
  if (r.sw === sw.REFERENCE_NOT_FOUND) return fail('empty-slot');
  if (r.sw === sw.INCORRECT_DATA || r.sw === sw.CONDITIONS_NOT_SATISFIED) return fail('not-attestable');
  if (r.sw === sw.INS_NOT_SUPPORTED) return fail('not-supported');
  if (r.sw !== sw.OK) throw unexpectedStatus('ATTEST', r.sw);
  return ok({ der: Uint8Array.from(r.data) });
}
