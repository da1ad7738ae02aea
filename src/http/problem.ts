// RFC 9457 problem details. Every failure an HTTP client sees is one of these,
// with a stable `code` from the registry. Internal causes are logged, never sent.
import type { ServerResponse } from 'node:http';
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
  res: ServerResponse,
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
  writeBody(res, appErr.status, PROBLEM_CONTENT_TYPE, JSON.stringify(problemFor(appErr, title)));
}

/**
 * Write a whole answer with node:http (no express res.send): status,
 * Content-Type (`; charset=utf-8` added for text), Content-Length, body —
 * none for HEAD.
 */
export function writeBody(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  const text = typeof body === 'string';
  res.statusCode = status;
  res.setHeader('Content-Type', text && !contentType.includes('charset') ? `${contentType}; charset=utf-8` : contentType);
  res.setHeader('Content-Length', text ? Buffer.byteLength(body) : body.length);
  if (res.req?.method === 'HEAD') res.end();
  else res.end(body);
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
