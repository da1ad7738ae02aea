// SELECT (SP 800-73-4 Part 2 §3.1.1), INS A4.
// PRE-CONDITIONS / rules implemented:
// 1. "P1 = '04'": select by AID; anything else → 6A86.
// 2. The data field is the PIV AID or a right-truncated prefix of it (≥ 5 bytes;
//    yubico-piv-tool sends only A000000308). Response: the application property
//    template `61 { 4F PIX-of-AID, 79 { 4F A000000308 } }` — no `AC` tag, so no
//    secure-messaging suite (27, 2E) is advertised: the card implements no
//    secure messaging, and OpenSC tries to open it with a card that advertises one.
// 3. Other drivers probe with their own AIDs (CoolKey, MUSCLE, …): answer 6A82
//    and keep the current selection, so the PIV state survives the probe.
// 4. The Yubico management AID answers 9000 (ykpiv selects it to drop the PIN
//    state); selecting another application clears the PIV security state.
// NOTE: re-selecting PIV while PIV is selected keeps the security state, as a
// YubiKey does; OpenSC re-selects the AID whenever it takes the card lock.

import { SW, SwError } from '../../apdu/sw.js';
import { tlv } from '../../tlv/ber.js';
import type { PivCommand, PivContext } from '../context.js';
import { PIV_AID, YUBICO_MGMT_AID } from '../constants.js';
import { clearSecurityState } from '../session.js';

const APT = tlv(
  0x61,
  tlv(0x4f, Uint8Array.from([0x00, 0x00, 0x10, 0x00, 0x01, 0x00])),
  tlv(0x79, tlv(0x4f, PIV_AID.subarray(0, 5))),
);

function isPrefix(prefix: Uint8Array, full: Uint8Array): boolean {
  if (prefix.length > full.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== full[i]) return false;
  return true;
}

export function select(cmd: PivCommand, ctx: PivContext): Uint8Array {
  if (cmd.p1 !== 0x04) throw new SwError(SW.WRONG_P1P2);
  const aid = cmd.data;
  const s = ctx.session;
  if (aid.length >= 5 && isPrefix(aid, PIV_AID)) {
    if (s.selected !== 'piv') clearSecurityState(s);
    s.selected = 'piv';
    return APT;
  }
  if (aid.length === YUBICO_MGMT_AID.length && isPrefix(aid, YUBICO_MGMT_AID)) {
    clearSecurityState(s);
    s.selected = 'mgmt';
    return new Uint8Array(0);
  }
  throw new SwError(SW.FILE_NOT_FOUND);
}
