// Check 3 — the consumed request is this RP's (a second line: the key named
// it), for this terminal, and not expired by the service's clock.
import { signError } from '../../codes.js';
import { need, type SignCheck } from './context.js';

export const binding: SignCheck = {
  name: 'binding',
  run(ctx) {
    const r = need(ctx.request, 'request');
    if (r.rpId !== ctx.caller.rpId) throw signError('sign_request_not_found', 'No such sign request.');
    if (r.terminalId !== ctx.unverified.terminalId) throw signError('sign_request_terminal_mismatch', 'The sign request was issued for another terminal.');
    if (ctx.now.getTime() >= r.expiresAt) throw signError('sign_request_expired', 'The sign request has expired; ask for a new one.');
  },
};
