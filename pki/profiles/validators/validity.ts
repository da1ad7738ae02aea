// Re-checks the validity window: notBefore < notAfter, notAfter in the
// future, no later than the card's expiry, the profile maximum and the
// issuing CA's notAfter.
import { PkiError } from '../../errors.js';
import type { Validator } from '../draft.js';

const DAY_MS = 86_400_000;

export const validateValidity: Validator = (draft, request, ctx) => {
  const nb = draft.notBefore.getTime();
  const na = draft.notAfter.getTime();
  if (!(request.notAfter instanceof Date) || Number.isNaN(request.notAfter.getTime())) {
    throw new PkiError('profile_validity_invalid', 'notAfter (the card expiry) must be a date');
  }
  if (na <= nb || na <= ctx.now.getTime()) throw new PkiError('profile_validity_invalid', 'the card expiry is not in the future');
  if (na > request.notAfter.getTime()) throw new PkiError('profile_violation', 'validity exceeds the card expiry');
  if (na - nb > ctx.maxValidityDays * DAY_MS) throw new PkiError('profile_violation', 'validity exceeds the profile maximum');
  if (na > ctx.issuerNotAfter.getTime()) throw new PkiError('profile_violation', 'validity exceeds the issuing CA');
};

export function validateMaxValidityDays(days: number): Validator {
  return (draft) => {
    if (draft.notAfter.getTime() - draft.notBefore.getTime() > days * DAY_MS) throw new PkiError('profile_violation', `validity exceeds the profile's ${days} days`);
  };
}
