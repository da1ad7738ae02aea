// The checks of POST /v1/auth/challenges/{id}/response, in the order of
// DESIGN.md flow 2 — cheap before expensive, the challenge consumed first,
// the signature before any registry I/O an attacker could trigger for free.
// This list IS the order; ../submit-response.ts runs it as written.
import { binding } from './binding.js';
import { cardStatus } from './card-status.js';
import { certificate } from './certificate.js';
import { consumeChallenge } from './consume-challenge.js';
import type { ResponseCheck } from './context.js';
import { signature } from './signature.js';
import { sizeBounds } from './size-bounds.js';

export const responseChecks: readonly ResponseCheck[] = [
  sizeBounds, // 1. size bounds and encoding (challenge untouched on failure)
  consumeChallenge, // 2. GETDEL: single use, atomically
  binding, // 3. this RP, this terminal, not expired
  certificate, // 4. parse, chain, purpose, policy, validity (cached)
  signature, // 5. over the server's own signing input, cached KeyObject
  cardStatus, // 6. registry: revoked / suspended / attested, fail closed
];
