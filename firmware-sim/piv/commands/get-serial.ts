// GET SERIAL (Yubico extension, INS F8, firmware ≥ 5): the device serial as a
// 4-byte big-endian integer. ykpiv asks for it on every connect.

import type { PivCommand, PivContext } from '../context.js';

export function getSerial(_cmd: PivCommand, ctx: PivContext): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, ctx.store.state.serial);
  return out;
}
