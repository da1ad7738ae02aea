// RP API credentials: high-entropy machine secrets get a fast keyed hash, not
// argon2id (docs/decisions.md). A credential is a public key id and a
// 256-bit random secret; the registry keeps only HMAC-SHA-256(pepper, secret)
// and comparison is constant-time. Presented as
//   Authorization: Bearer <keyId>.<secret>
// (both parts base64url, so the dot is unambiguous).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IssuedCredential } from './types.js';

const KEY_ID = /^rpk_[A-Za-z0-9_-]{22}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;
/** Longest Authorization header value worth reading. */
export const MAX_AUTHORIZATION_LENGTH = 7 + 26 + 1 + 43;

export function newCredential(): IssuedCredential {
  const keyId = `rpk_${randomBytes(16).toString('base64url')}`;
  const secret = randomBytes(32).toString('base64url');
  return { keyId, secret, token: `${keyId}.${secret}` };
}

export function hashSecret(pepper: Buffer, secret: string): Buffer {
  return createHmac('sha256', pepper).update(secret, 'utf8').digest();
}

export function secretMatches(pepper: Buffer, presented: string, storedHash: Uint8Array): boolean {
  const h = hashSecret(pepper, presented);
  return storedHash.length === h.length && timingSafeEqual(h, storedHash);
}

/** Parse `Bearer <keyId>.<secret>`; undefined for anything else (no detail: it is unauthenticated input). */
export function parseBearer(header: string | undefined): { keyId: string; secret: string } | undefined {
  if (header === undefined || header.length > MAX_AUTHORIZATION_LENGTH + 8) return undefined;
  const m = /^Bearer +([^.\s]+)\.(\S+)$/i.exec(header.trim());
  if (!m || !KEY_ID.test(m[1]!) || !SECRET.test(m[2]!)) return undefined;
  return { keyId: m[1]!, secret: m[2]! };
}
