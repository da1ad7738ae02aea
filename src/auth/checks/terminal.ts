// The terminal that submits is registered to the RP, and a terminal-bound
// credential names its own terminal only: in memory, before any store I/O.
// From here on a refusal counts against the terminal's rate limit too.
import { requireTerminal } from '../../rp/admission.js';
import type { ResponseCheck, Submitted } from './context.js';

export const terminal: ResponseCheck<Submitted> = {
  name: 'terminal',
  run(ctx) {
    requireTerminal(ctx.caller, ctx.unverified.terminalId);
  },
};
