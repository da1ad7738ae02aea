// Check 3 — the consumed challenge is this RP's, for this terminal, and not
// expired by the service's clock (the store's TTL is a second line).
//
// "This RP's" is already settled by check 2: the challenge's store key names
// its RP, so another RP cannot reach the record at all. The comparison stays
// as a second line (a record under the wrong key would be a bug) and answers
// as check 2 does for another RP's id — not found — so even then no answer
// tells the caller that the id exists for someone else.
import { authError } from '../codes.js';
import type { Consumed, ResponseCheck } from './context.js';

export const binding: ResponseCheck<Consumed> = {
  name: 'binding',
  run(ctx) {
    const ch = ctx.challenge;
    if (ch.rpId !== ctx.caller.rp.id) throw authError('challenge_not_found', 'No such challenge.');
    if (ch.terminalId !== ctx.unverified.terminalId) {
      throw authError('challenge_terminal_mismatch', 'The challenge was issued for another terminal.');
    }
    if (ctx.now.getTime() >= ch.expiresAt) throw authError('challenge_expired', 'The challenge has expired; ask for a new one.');
  },
};
