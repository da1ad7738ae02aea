// The subject public key must be EC on a curve of the allow-list (cards
// generate P-256; RFC 5480 §2.1.1 namedCurve only).
import { PkiError } from '../../errors.js';
import { curveOfKey } from '../../lib/spki.js';
import type { Validator } from '../draft.js';

export const validateKey: Validator = (draft, _request, ctx) => {
  const curve = curveOfKey(draft.publicKey);
  if (!curve || !ctx.allowedCurves.includes(curve)) {
    throw new PkiError('profile_key_not_allowed', `public key must be EC on ${ctx.allowedCurves.join(' or ')}`);
  }
};
