// The one error type of the service. A code is stable and public; the message
// is public and says nothing secret; `cause` is internal (logged, never sent).
// Each area declares its codes in a table (see defineCodes) and
// src/composition/error-registry.ts merges the tables into the one registry the HTTP
// layer, the README and the tests read.

export interface CodeInfo {
  /** HTTP status when the error reaches an HTTP client. */
  readonly status: number;
  /** Short, stable, human title (problem+json `title`). */
  readonly title: string;
}

export type CodeTable = Readonly<Record<string, CodeInfo>>;

/** Declare an area's error codes: `export const authCodes = defineCodes({...})`. */
export function defineCodes<const T extends CodeTable>(table: T): T {
  return table;
}

export class AppError<C extends string = string> extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: C,
    message: string,
    readonly status: number = 400,
    options?: { cause?: unknown; detail?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.detail = options?.detail;
  }
  /** Extra public fields for the problem document (never secrets). */
  readonly detail: Record<string, unknown> | undefined;
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

export interface ErrorOptions {
  readonly cause?: unknown;
  readonly detail?: Record<string, unknown>;
}

/**
 * An area's error constructor and guard from its code table: the HTTP status
 * always comes from the table, so a code cannot be thrown with another status.
 *   export const [cardError, isCardError] = codedErrors(cardCodes);
 */
export function codedErrors<T extends CodeTable>(
  table: T,
): readonly [
  make: (code: keyof T & string, message: string, options?: ErrorOptions) => AppError<keyof T & string>,
  is: (e: unknown, code?: keyof T & string) => e is AppError<keyof T & string>,
] {
  type C = keyof T & string;
  const make = (code: C, message: string, options?: ErrorOptions): AppError<C> =>
    new AppError(code, message, table[code]!.status, options);
  const is = (e: unknown, code?: C): e is AppError<C> =>
    e instanceof AppError && Object.hasOwn(table, e.code) && (code === undefined || e.code === code);
  return [make, is] as const;
}
