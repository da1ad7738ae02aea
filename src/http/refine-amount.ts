// The zod side of src/auth/amount.ts: a transaction whose amount is not its
// currency's one form gets an issue on `amount` carrying the stable code
// `amount_format`, which validate.ts answers with instead of invalid_request.
// An unknown currency is the currency's own issue; the amount is not judged.
import type { z } from 'zod';
import { amountProblem } from '../auth/amount.js';
import { isCurrencyCode } from '../auth/currencies.js';

export function refineAmount(t: { readonly amount: string; readonly currency: string }, ctx: z.RefinementCtx): void {
  if (!isCurrencyCode(t.currency)) return;
  const problem = amountProblem(t.amount, t.currency);
  if (problem === undefined) return;
  ctx.addIssue({ code: 'custom', path: ['amount'], message: problem.message, params: problem.code === 'invalid_request' ? {} : { code: problem.code } });
}
