// Every ephemeral-store call of the auth flow goes through here: a store that
// cannot answer is `unavailable` (503), never a crash and never a success
// (authentication fails closed).
import { unavailableError } from '../../errors/common-codes.js';

export async function storeCall<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    throw unavailableError('The challenge store is unavailable; try again shortly.', { cause: { what, err: String(err) } });
  }
}
