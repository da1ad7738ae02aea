// Issuance failures as CLI errors: the stable code and the public message,
// exit code 1 (2 for usage). Internal causes are not printed.
import { isAppError } from '../../errors/app-error.js';
import { CliError } from '../io.js';

export async function asCliErrors<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (isAppError(e)) {
      const detail = e.detail?.['why'] ?? e.detail?.['reason'];
      throw new CliError(detail === undefined || e.message.includes(String(detail)) ? e.message : `${e.message} (${String(detail)})`, e.code, 1);
    }
    throw e;
  }
}
