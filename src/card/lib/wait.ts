// Waiting for an event with a deadline and an abort signal, without polling.
import { cardError } from '../codes.js';

/**
 * Resolve with the first value `subscribe` delivers, or reject with
 * card_wait_timeout / card_wait_aborted. `subscribe` returns its unsubscribe.
 */
export function waitFor<T>(
  subscribe: (deliver: (value: T) => void) => () => void,
  options: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined; what: string },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(cardError('card_wait_aborted', `Stopped waiting for ${options.what}`));
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    let unsubscribe: (() => void) | undefined;
    let settled = false;
    const cleanup = (): void => {
      settled = true;
      unsubscribe?.();
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      cleanup();
      reject(cardError('card_wait_aborted', `Stopped waiting for ${options.what}`));
    };
    // subscribe may deliver at once (the awaited state already holds).
    unsubscribe = subscribe((value) => {
      if (settled) return;
      cleanup();
      resolve(value);
    });
    if (settled) {
      unsubscribe();
      return;
    }
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        cleanup();
        reject(cardError('card_wait_timeout', `Timed out after ${options.timeoutMs} ms waiting for ${options.what}`));
      }, options.timeoutMs);
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
