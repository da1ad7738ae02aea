// The RP holds the `auth` scope: in memory, before anything is decoded or any
// store is asked. An RP whose scope was removed after it created a challenge
// cannot complete it.
import { requireScope } from '../../rp/admission.js';
import type { ResponseCheck, Submitted } from './context.js';

export const scope: ResponseCheck<Submitted> = {
  name: 'scope',
  run(ctx) {
    requireScope(ctx.caller, 'auth');
  },
};
