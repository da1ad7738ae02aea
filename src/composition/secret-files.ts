// Connection strings that carry a password (DATABASE_URL, REDIS_URL) may come
// from a file instead of the environment — a container secret, mode 0400 —
// as `<NAME>_FILE`: the file's text, trailing line end removed, becomes
// `<NAME>` for every command, unless `<NAME>` itself is set.
import { readFileSync } from 'node:fs';
import { AppError } from '../errors/app-error.js';

const FROM_FILES = ['DATABASE_URL', 'REDIS_URL'] as const;

export function applySecretFiles(env: NodeJS.ProcessEnv): void {
  for (const name of FROM_FILES) {
    const file = env[`${name}_FILE`];
    if (file === undefined || file === '' || env[name] !== undefined) continue;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new AppError('config_invalid', `${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, 500);
    }
    const value = text.replace(/\r?\n$/, '');
    if (value === '') throw new AppError('config_invalid', `${name}_FILE: ${file} is empty`, 500);
    env[name] = value;
  }
}
