// PIN status without presenting it (SP 800-73-4 Part 2 §3.2.1: VERIFY with
// no data field): 9000 when the PIN is verified in the current security
// state, 63Cx when not (x tries left), 6983 when blocked.
import type { CardChannel } from '../channel.js';
import { ins, pivReferences } from './constants.js';
import { exchange } from './lib/apdu.js';
import { sw, triesLeftOf, unexpectedStatus } from './lib/status.js';

export type PinStatus =
  | { readonly state: 'verified' }
  | { readonly state: 'not-verified'; readonly triesLeft: number }
  | { readonly state: 'blocked' };

export async function pinStatus(channel: CardChannel): Promise<PinStatus> {
  const r = await exchange(channel, { ins: ins.VERIFY, p1: 0x00, p2: pivReferences.PIN });
  if (r.sw === sw.OK) return { state: 'verified' };
  if (r.sw === sw.AUTH_METHOD_BLOCKED) return { state: 'blocked' };
  const tries = triesLeftOf(r.sw);
  if (tries === 0) return { state: 'blocked' };
  if (tries !== undefined) return { state: 'not-verified', triesLeft: tries };
  throw unexpectedStatus('PIN status', r.sw);
}
