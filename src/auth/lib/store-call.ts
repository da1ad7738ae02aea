// Every ephemeral-store call of the auth flow goes through here: a store that
// cannot answer is `unavailable` (503), never a crash and never a success
// (DESIGN.md rules: authentication fails closed).
import { authError } from '../codes.js';

export async function storeCall<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    throw authError('unavailable', 'The challenge store is unavailable; try again shortly.', { cause: { what, err: String(err) } });
  }
}
