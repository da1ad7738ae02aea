// RESET (Yubico extension, INS FB): return the PIV application to factory state.
// Rules implemented (Yubico "PIV Introduction"):
// 1. Only when both the PIN and the PUK are blocked → else 6985.
// 2. PIN, PUK, retry counts and management key back to the defaults; every key
//    and data object removed EXCEPT the F9 attestation key and its certificate
//    (5FFF01), which came from the manufacturer. The discovery object is restored.
// 3. The security state of the session is cleared.

import { SW, SwError } from '../../apdu/sw.js';
import type { PivCommand, PivContext } from '../context.js';
import { DEFAULT_MGM_KEY, DEFAULT_PIN, DEFAULT_PUK, DEFAULT_TRIES, TOUCH_POLICY } from '../constants.js';
import { DEFAULT_DISCOVERY } from '../objects.js';
import { makeReference, padValue } from '../reference-data.js';
import { clearSecurityState } from '../session.js';

export async function resetApplication(_cmd: PivCommand, ctx: PivContext): Promise<Uint8Array> {
  const st = ctx.store.state;
  if (st.pin.triesLeft !== 0 || st.puk.triesLeft !== 0) throw new SwError(SW.CONDITIONS);
  await ctx.store.update((d) => {
    d.pin = makeReference(padValue(DEFAULT_PIN), DEFAULT_TRIES, true);
    d.puk = makeReference(padValue(DEFAULT_PUK), DEFAULT_TRIES, true);
    d.mgm = { algorithm: 0x03, key: DEFAULT_MGM_KEY.slice(), touchPolicy: TOUCH_POLICY.NEVER, isDefault: true };
    const f9 = d.keys['f9'];
    d.keys = f9 === undefined ? {} : { f9 };
    const attestationCert = d.objects['5fff01'];
    d.objects = { '7e': DEFAULT_DISCOVERY.slice() };
    if (attestationCert !== undefined) d.objects['5fff01'] = attestationCert;
    d.lifecycle.resetCount += 1;
  });
  clearSecurityState(ctx.session);
  return new Uint8Array(0);
}
