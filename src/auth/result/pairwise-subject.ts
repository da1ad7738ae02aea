// Pairwise subject identifier (issue 5 eKYC; the idea of OpenID Connect Core
// §8.1 "pairwise"): HMAC-SHA-256(pepper, rpId || 0x00 || nationalId),
// base64url. Stable for one RP across cards and years, different between
// RPs, and not reversible without the pepper — two banks cannot correlate a
// citizen through `sub` without the citizen's consent.
import { createHmac } from 'node:crypto';

export function pairwiseSubject(pepper: Buffer, rpId: string, nationalId: string): string {
  return createHmac('sha256', pepper).update(rpId, 'utf8').update(Buffer.of(0)).update(nationalId, 'utf8').digest('base64url');
}
