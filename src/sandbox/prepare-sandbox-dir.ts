// The sandbox's directory: created fresh for each run. A directory that is
// already there is emptied only when a sandbox made it (its marker file says
// so); anything else is refused, so `--dir` can never wipe a real data
// directory or someone's files.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SANDBOX_MARKER = 'SANDBOX-NOT-FOR-PRODUCTION.txt';

export function prepareSandboxDir(dir: string): string {
  const path = resolve(dir);
  if (existsSync(path)) {
    const entries = readdirSync(path);
    if (entries.length > 0 && !entries.includes(SANDBOX_MARKER)) {
      throw new Error(`${path} exists and is not a sandbox directory (no ${SANDBOX_MARKER}); choose another --dir`);
    }
    rmSync(path, { recursive: true, force: true });
  }
  mkdirSync(path, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(path, SANDBOX_MARKER),
    'Made by `cardauth sandbox`: a test CA, test cards and test keys. Not for production.\nThe next `cardauth sandbox` run with this directory deletes everything in it.\n',
  );
  return path;
}
