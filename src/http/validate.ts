// Schema validation of one part of a request; failures list every issue with
// its path so a developer can fix the call in one go.
import type { z } from 'zod';
import { AppError } from '../errors/app-error.js';

export function validate<T>(schema: z.ZodType<T>, value: unknown, where: 'body' | 'params' | 'query'): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 20).map((i) => {
    // A refinement may name its reason (e.g. control_character, src/http/schemas/text.ts).
    const reason = i.code === 'custom' ? (i.params as { reason?: unknown } | undefined)?.reason : undefined;
    return {
      in: where,
      path: i.path.map(String).join('.'),
      message: i.message,
      ...(typeof reason === 'string' ? { reason } : {}),
    };
  });
  const first = issues[0];
  throw new AppError(
    'invalid_request',
    first ? `${where}${first.path ? '.' + first.path : ''}: ${first.message}` : `Invalid ${where}.`,
    400,
    { detail: { issues } },
  );
}
