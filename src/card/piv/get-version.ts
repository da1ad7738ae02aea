// GET VERSION (Yubico extension INS FD): `00 FD 00 00 00` → major, minor, patch.
import type { CardChannel } from '../channel.js';
import { cardError } from '../codes.js';
import { ins } from './constants.js';
import { exchange } from './lib/apdu.js';
import { fail, ok, type Fail, type Ok } from './lib/result.js';
import { sw, unexpectedStatus } from './lib/status.js';

export interface FirmwareVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

export type GetVersionResult = Ok<{ version: FirmwareVersion }> | Fail<'not-supported'>;

export async function getVersion(channel: CardChannel): Promise<GetVersionResult> {
  const r = await exchange(channel, { ins: ins.YK_GET_VERSION, p1: 0x00, p2: 0x00, le: 256 });
  if (r.sw === sw.INS_NOT_SUPPORTED) return fail('not-supported');
  if (r.sw !== sw.OK) throw unexpectedStatus('GET VERSION', r.sw);
  const [major, minor, patch] = r.data;
  if (r.data.length !== 3 || major === undefined || minor === undefined || patch === undefined) {
    throw cardError('card_protocol_error', 'The card version is not 3 bytes');
  }
  return ok({ version: { major, minor, patch } });
}
