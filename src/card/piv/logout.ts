// Reset the PIN security status (SP 800-73-4 Part 2 §3.2.1: VERIFY with
// P1 = FF and no data): after this, keys that need the PIN refuse until the
// next VERIFY.
import type { CardChannel } from '../channel.js';
import { ins, pivReferences } from './constants.js';
import { exchange } from './lib/apdu.js';
import { sw, unexpectedStatus } from './lib/status.js';

export async function logout(channel: CardChannel): Promise<void> {
  const r = await exchange(channel, { ins: ins.VERIFY, p1: 0xff, p2: pivReferences.PIN });
  if (r.sw !== sw.OK) throw unexpectedStatus('PIN logout', r.sw);
}
