// What a CLI command gets from the outside world, so commands can be driven
// from tests without a terminal.
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
}

export const processIo: CliIo = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
};

/** A CLI command: returns the process exit code. */
export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

/** Thrown by commands for a user-facing failure: message and exit code, no stack. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly code: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * Recognise a CliError by shape as well as by class: a module loaded twice
 * (tsx under mocha can load one file under two URLs) has two CliError classes.
 */
export function isCliError(e: unknown): e is CliError {
  return e instanceof CliError || (e instanceof Error && e.name === 'CliError' && typeof (e as CliError).code === 'string');
}
