// Every check of POST /v1/auth/challenges/{id}/response, in order — cheap
// before expensive, the challenge consumed before anything is decided about
// it, the signature before any registry I/O an attacker could trigger for
// free (docs/architecture.md, card + PIN authentication). This list IS the
// order; ../submit-response.ts runs it as written, and the types chain: a
// check can only read what the checks before it established.
import { binding } from './binding.js';
import { cardStatus } from './card-status.js';
import { evidence } from './evidence.js';
import { certificate } from './certificate.js';
import { consumeChallenge } from './consume-challenge.js';
import { CheckList, type Submitted } from './context.js';
import { scope } from './scope.js';
import { signature } from './signature.js';
import { sizeBounds } from './size-bounds.js';
import { terminal } from './terminal.js';

export const responseChecks = CheckList.from<Submitted>()
  .then(scope) // 1. the RP holds the auth scope (in memory)
  .then(terminal) // 2. the terminal is registered to the RP and the credential may speak for it (in memory)
  .then(sizeBounds) // 3. size bounds and encoding (challenge untouched on failure)
  .then(consumeChallenge) // 4. rate limits and GETDEL in one atomic step: single use, nothing consumed when over a limit
  .then(binding) // 5. this RP, this terminal, not expired
  .then(certificate) // 6. parse, chain, purpose, policy, validity (cached)
  .then(signature) // 7. over the server's own signing input, cached KeyObject
  .then(cardStatus) // 8. registry: revoked / suspended / attested, fail closed; put back when unavailable
  .then(evidence); // 9. only when the challenge asked for it: certificate, signature, preimage, fresh OCSP; put back when unavailable
