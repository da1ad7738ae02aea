// Sets notBefore/notAfter: from now, capped by the card's expiry, the
// profile maximum and the issuing CA's own notAfter (RFC 5280 §6.1.3 would
// otherwise make the tail of the validity unusable).
import { wholeSeconds } from '../../lib/time.js';
import type { Modifier } from '../draft.js';

const DAY_MS = 86_400_000;

export const setValidity: Modifier = (draft, request, ctx) => {
  const notBefore = wholeSeconds(ctx.now);
  const cap = Math.min(
    request.notAfter.getTime(),
    notBefore.getTime() + ctx.maxValidityDays * DAY_MS,
    ctx.issuerNotAfter.getTime(),
  );
  draft.notBefore = notBefore;
  draft.notAfter = wholeSeconds(new Date(cap));
};

/** A profile's own maximum, below the CA's (the test profile's 30 days). */
export function capValidityDays(days: number): Modifier {
  return (draft) => {
    const cap = draft.notBefore.getTime() + days * DAY_MS;
    if (draft.notAfter.getTime() > cap) draft.notAfter = wholeSeconds(new Date(cap));
  };
}
