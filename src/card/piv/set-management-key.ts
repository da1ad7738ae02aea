// SET MANAGEMENT KEY (Yubico extension INS FF, as ykpiv_set_mgmkey2 sends it):
//   `00 FF FF <FF | FE> Lc <alg> 9B <len> <key>`; P2 FE requires touch.
// Needs a prior management key authentication (6982 otherwise).
import type { CardChannel } from '../channel.js';
import { ins, managementKeyAlgorithms, pivReferences, type ManagementKeyAlgorithm } from './constants.js';
import { assertManagementKey } from './authenticate-management-key.js';
import { exchange } from './lib/apdu.js';
import { fail, ok, type Fail, type Ok } from './lib/result.js';
import { zero } from './lib/secret.js';
import { sw, unexpectedStatus } from './lib/status.js';
import { concat } from './lib/tlv.js';

export type SetManagementKeyResult = Ok | Fail<'security-status'> | Fail<'invalid-data'>;

export async function setManagementKey(
  channel: CardChannel,
  newKey: Uint8Array,
  algorithm: ManagementKeyAlgorithm,
  options: { requireTouch?: boolean } = {},
): Promise<SetManagementKeyResult> {
  assertManagementKey(newKey, algorithm);
  const spec = managementKeyAlgorithms[algorithm];
  const data = concat(Uint8Array.of(spec.id, pivReferences.MANAGEMENT_KEY, spec.keyLength), newKey);
  try {
    const r = await exchange(channel, {
      ins: ins.YK_SET_MANAGEMENT_KEY,
      p1: 0xff,
      p2: options.requireTouch === true ? 0xfe : 0xff,
      data,
      sensitive: true,
    });
    if (r.sw === sw.OK) return ok();
    if (r.sw === sw.SECURITY_STATUS_NOT_SATISFIED) return fail('security-status');
    if (r.sw === sw.INCORRECT_DATA || r.sw === sw.INCORRECT_P1P2) return fail('invalid-data');
    throw unexpectedStatus('SET MANAGEMENT KEY', r.sw);
  } finally {
    zero(data);
  }
}
