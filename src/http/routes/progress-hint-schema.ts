// The `hint` of GET /v1/auth/challenges/{id} (src/auth/progress-hints.ts).
import { z } from 'zod';
import { progressHints } from '../../auth/progress-hints.js';

export const progressHintSchema = z
  .object({
    code: z.enum(Object.keys(progressHints) as [keyof typeof progressHints, ...(keyof typeof progressHints)[]]),
    text: z.string().describe('What the RP may show its cashier or customer (English)'),
    textKm: z.string().describe('The same in Khmer'),
  })
  .describe('What the terminal last reported (its word, not a verified fact); `waiting_for_terminal` before any report');
