// Pairwise subject identifier (for eKYC; the idea of OpenID Connect Core
// §8.1 "pairwise"): HMAC-SHA-256(pepper, rpId || 0x00 || nationalId),
// base64url. Stable for one RP across cards and years, different between
// RPs, and not reversible without the pepper — two banks cannot correlate a
// citizen through `sub` without the citizen's consent.
import { createHmac } from 'node:crypto';
import { Lru } from '../../../pki/index.js';

export function pairwiseSubject(pepper: Buffer, rpId: string, nationalId: string): string {
  return createHmac('sha256', pepper).update(rpId, 'utf8').update(Buffer.of(0)).update(nationalId, 'utf8').digest('base64url');
}

const memos = new WeakMap<Buffer, Lru<string, string>>();

/**
 * pairwiseSubject, with the values of returning citizens remembered (a
 * bounded LRU per pepper): the same RP and national ID always give the same
 * `sub`, and setting up the HMAC's key cost more than the rest of the claims.
 * Nothing secret is kept — `sub` is what the RP receives anyway.
 */
export function rememberedPairwiseSubject(pepper: Buffer, rpId: string, nationalId: string): string {
  let memo = memos.get(pepper);
  if (memo === undefined) memos.set(pepper, (memo = new Lru<string, string>(8192)));
  const key = `${rpId}\u0000${nationalId}`;
  let sub = memo.get(key);
  if (sub === undefined) {
    sub = pairwiseSubject(pepper, rpId, nationalId);
    memo.set(key, sub);
  }
  return sub;
}
