// A CliIo for running a `cardauth` command in-process: empty stdin, and
// stdout / stderr collected as text.
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';

export function cliIo(env: NodeJS.ProcessEnv): CliIo & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdin: new PassThrough(), stdout, stderr, env, out: () => out, err: () => err };
}
