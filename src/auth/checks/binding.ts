// Check 3 — the consumed challenge is this RP's, for this terminal, and not
// expired by the service's clock (the store's TTL is a second line).
import { authError } from '../codes.js';
import { need, type ResponseCheck } from './context.js';

export const binding: ResponseCheck = {
  name: 'binding',
  run(ctx) {
    const ch = need(ctx.challenge, 'challenge');
    if (ch.rpId !== ctx.caller.rpId) throw authError('challenge_rp_mismatch', 'The challenge belongs to another relying party.');
    if (ch.terminalId !== ctx.unverified.terminalId) {
      throw authError('challenge_terminal_mismatch', 'The challenge was issued for another terminal.');
    }
    if (ctx.now.getTime() >= ch.expiresAt) throw authError('challenge_expired', 'The challenge has expired; ask for a new one.');
  },
};
