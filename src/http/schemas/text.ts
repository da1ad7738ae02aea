// Free text as the staff and issuance routes accept it: a string within its
// length bounds holding no control character — C0 (U+0000–U+001F), DEL and
// C1 (U+007F–U+009F) — except, in multi-line text, tab and line breaks.
// PostgreSQL refuses a NUL in text outright (SQLSTATE 22021), escape and C1
// sequences can rewrite what a terminal or a log viewer shows, and none has a
// place in a name, a username or a note. Refused at the schema: 400
// invalid_request, the issue naming the field with reason "control_character".
import { z } from 'zod';

const SINGLE_LINE = /[\u0000-\u001f\u007f-\u009f]/;
const MULTI_LINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export interface TextOptions {
  /** Fewest characters (default 0). */
  readonly min?: number;
  /** Allow tab, line feed and carriage return (notes, reasons). Default false. */
  readonly multiLine?: boolean;
}

/** A zod string of at most `max` characters without control characters. */
export function text(max: number, options: TextOptions = {}): z.ZodString {
  const forbidden = options.multiLine ? MULTI_LINE : SINGLE_LINE;
  let s = z.string();
  if (options.min !== undefined) s = s.min(options.min);
  return s.max(max).refine((v) => !forbidden.test(v), {
    message: options.multiLine ? 'must not contain control characters (line breaks and tabs are allowed)' : 'must not contain control characters',
    params: { reason: 'control_character' },
  });
}
