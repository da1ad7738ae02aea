// Codes every area may answer with: a dependency (the ephemeral store, the
// registry) could not answer in time. Fail closed: never a hang, never a
// success, and the caller may retry.
import { codedErrors, defineCodes } from './app-error.js';

export const commonCodes = defineCodes({
  unavailable: { status: 503, title: 'A service needed to answer is unavailable' },
});

const [commonError] = codedErrors(commonCodes);

export function unavailableError(message: string, options?: { readonly cause?: unknown }) {
  return commonError('unavailable', message, options);
}
