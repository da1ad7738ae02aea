// RFC 9457 problem details. Every failure an HTTP client sees is one of these,
// with a stable `code` from the registry. Internal causes are logged, never sent.
import type { Response } from 'express';
import { AppError, isAppError } from '../errors/app-error.js';
import type { Logger } from '../util/log.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  [extra: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemFor(err: AppError, title: string): Problem {
  return {
    ...err.detail,
    type: `urn:cardauth:problem:${err.code}`,
    title,
    status: err.status,
    code: err.code,
    detail: err.message,
  };
}

/**
 * Turn anything thrown by a handler into a problem response. Unexpected
 * errors become 500 internal_error; their message stays in the log.
 */
export function sendProblem(
  res: Response,
  err: unknown,
  titles: Readonly<Record<string, { title: string }>>,
  log: Logger,
  context: Record<string, unknown>,
): void {
  const appErr = isAppError(err)
    ? err
    : (fromCodedError(err, titles) ??
      new AppError('internal_error', 'The service could not complete the request.', 500, { cause: err }));
  if (appErr.status >= 500) {
    log.error('request failed', { ...context, code: appErr.code, cause: describeCause(appErr.cause ?? err) });
  } else {
    log.info('request refused', { ...context, code: appErr.code, reason: describeCause(appErr.cause) });
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  const title = titles[appErr.code]?.title ?? appErr.code.replace(/_/g, ' ');
  res.status(appErr.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problemFor(appErr, title)));
}

function describeCause(cause: unknown): unknown {
  if (cause === undefined) return undefined;
  if (cause instanceof Error) return { name: cause.name, message: cause.message, code: (cause as { code?: unknown }).code };
  return cause;
}

/**
 * Libraries that may not import src/ (pki/) throw their own error classes with
 * a registered `code` and an HTTP `status`; they are answered like AppErrors.
 */
function fromCodedError(err: unknown, titles: Readonly<Record<string, { title: string }>>): AppError | undefined {
  if (!(err instanceof Error)) return undefined;
  const { code, status } = err as { code?: unknown; status?: unknown };
  if (typeof code !== 'string' || typeof status !== 'number' || !(code in titles)) return undefined;
  return new AppError(code, err.message, status, { cause: err });
}
