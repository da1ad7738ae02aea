// Schema validation of one part of a request; failures list every issue with
// its path so a developer can fix the call in one go. A rule with a stable
// code of its own (a zod issue whose `params.code` is a registered 4xx code,
// e.g. `amount_format`) answers with that code when every issue is of it;
// mixed with other issues the answer is invalid_request, each issue naming
// its code.
import type { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import type { CodeTable } from '../errors/app-error.js';

interface Issue {
  readonly in: string;
  readonly path: string;
  readonly message: string;
  readonly code?: string;
}

function codeOf(issue: z.core.$ZodIssue, codes: CodeTable): string | undefined {
  const code = (issue as { params?: { code?: unknown } }).params?.code;
  if (typeof code !== 'string') return undefined;
  const status = codes[code]?.status;
  return status !== undefined && status >= 400 && status < 500 ? code : undefined;
}

/** `codes`: the registered codes, for an issue that carries one of its own. */
export function validate<T>(schema: z.ZodType<T>, value: unknown, where: 'body' | 'params' | 'query', codes: CodeTable): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues: Issue[] = r.error.issues.slice(0, 20).map((i) => {
    const code = codeOf(i, codes);
    // A refinement may name its reason (e.g. control_character, src/http/schemas/text.ts).
    const reason = i.code === 'custom' ? (i.params as { reason?: unknown } | undefined)?.reason : undefined;
    return {
      in: where,
      path: i.path.map(String).join('.'),
      message: i.message,
      ...(code === undefined ? {} : { code }),
      ...(typeof reason === 'string' ? { reason } : {}),
    };
  });
  const first = issues[0];
  const own = first?.code !== undefined && issues.every((i) => i.code === first.code) ? first.code : undefined;
  throw new AppError(
    own ?? 'invalid_request',
    first ? `${where}${first.path ? '.' + first.path : ''}: ${first.message}` : `Invalid ${where}.`,
    own === undefined ? 400 : codes[own]!.status,
    { detail: { issues } },
  );
}
