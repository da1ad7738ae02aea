// GET METADATA (Yubico extension, INS F7, firmware ≥ 5.3): `00 F7 00 <slot>`.
// Tags (yubikey-manager yubikit/piv.py): 01 algorithm, 02 policy (PIN, touch),
// 03 origin (01 generated, 02 imported), 04 public key, 05 is-default,
// 06 retries (total, remaining).
// Rules: P1 '00' → else 6A86. PIN 80 / PUK 81: algorithm FF, 05, 06.
// Management key 9B: algorithm, 02 (00, touch), 05. Key slots: 01 02 03 04;
// empty slot → 6A88. Any other reference → 6B00. No PIN needed (public facts).

import { SW, SwError } from '../../apdu/sw.js';
import { concat, tlv } from '../../tlv/ber.js';
import { slotId } from '../../card/state.js';
import type { ReferenceData } from '../../card/state.js';
import type { PivCommand, PivContext } from '../context.js';
import { KEY_REF, isKeySlot } from '../constants.js';
import { publicKeyFields } from '../keys.js';

const b = (...v: number[]) => Uint8Array.from(v);

function referenceMetadata(r: ReferenceData): Uint8Array {
  return concat(tlv(0x01, b(0xff)), tlv(0x05, b(r.isDefault ? 1 : 0)), tlv(0x06, b(r.maxTries, r.triesLeft)));
}

export function getMetadata(cmd: PivCommand, ctx: PivContext): Uint8Array {
  if (cmd.p1 !== 0x00) throw new SwError(SW.WRONG_P1P2);
  const st = ctx.store.state;
  const slot = cmd.p2;
  if (slot === KEY_REF.PIN) return referenceMetadata(st.pin);
  if (slot === KEY_REF.PUK) return referenceMetadata(st.puk);
  if (slot === KEY_REF.MGM) {
    return concat(
      tlv(0x01, b(st.mgm.algorithm)),
      tlv(0x02, b(0x00, st.mgm.touchPolicy)),
      tlv(0x05, b(st.mgm.isDefault ? 1 : 0)),
    );
  }
  if (!isKeySlot(slot)) throw new SwError(SW.WRONG_SLOT);
  const key = st.keys[slotId(slot)];
  if (key === undefined) throw new SwError(SW.REF_NOT_FOUND);
  return concat(
    tlv(0x01, b(key.algorithm)),
    tlv(0x02, b(key.pinPolicy, key.touchPolicy)),
    tlv(0x03, b(key.origin === 'generated' ? 1 : 2)),
    tlv(0x04, publicKeyFields(key.material)),
  );
}
