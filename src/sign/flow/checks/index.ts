// The checks of POST /v1/sign/requests/{id}/response, in the order of the
// authentication checks (src/auth/checks/index.ts): cheap before expensive,
// the request consumed first, the signature before any registry I/O an
// attacker could trigger for free. This list IS the order.
import { binding } from './binding.js';
import { cardStatus } from './card-status.js';
import { certificate } from './certificate.js';
import { consumeRequest } from './consume-request.js';
import type { SignCheck } from './context.js';
import { signature } from './signature.js';
import { sizeBounds } from './size-bounds.js';

export const signatureChecks: readonly SignCheck[] = [
  sizeBounds, // 1. size bounds and encoding (request untouched on failure)
  consumeRequest, // 2. GETDEL: single use, atomically, with the rate limits
  binding, // 3. this RP, this terminal, not expired
  certificate, // 4. chain, card-sign profile (nonRepudiation; 9A refused), validity
  signature, // 5. over the server's own signed attributes
  cardStatus, // 6. registry: revoked / suspended / attested, fail closed
];
