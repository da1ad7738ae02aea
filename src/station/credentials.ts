// Station keys: a high-entropy machine secret, so a fast keyed hash (as for
// relying-party keys, docs/decisions.md): the registry keeps only
// HMAC-SHA-256(pepper, secret), compared in constant time. The key names its
// station: `stn_<22>.<43>` (both base64url), presented on the connection as
//   Authorization: Bearer <station id>.<secret>
// A staff session token never has this shape, and a station key is refused by
// every staff route, so neither can stand in for the other.
import { randomBytes } from 'node:crypto';
import { hashSecret, secretMatches } from '../rp/credentials.js';

const STATION_ID = /^stn_[A-Za-z0-9_-]{22}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export function isStationId(v: string): boolean {
  return STATION_ID.test(v);
}

export function newStationId(): string {
  return `stn_${randomBytes(16).toString('base64url')}`;
}

/** A fresh key for a station: the whole key (shown once) and the hash to keep. */
export function newStationKey(stationId: string, pepper: Buffer): { key: string; secretHash: Buffer } {
  const secret = randomBytes(32).toString('base64url');
  return { key: `${stationId}.${secret}`, secretHash: hashSecret(pepper, secret) };
}

/** `<station id>.<secret>`, or undefined for anything else. */
export function parseStationKey(key: string | undefined): { stationId: string; secret: string } | undefined {
  if (key === undefined || key.length > 100) return undefined;
  const dot = key.indexOf('.');
  if (dot < 0) return undefined;
  const stationId = key.slice(0, dot);
  const secret = key.slice(dot + 1);
  return STATION_ID.test(stationId) && SECRET.test(secret) ? { stationId, secret } : undefined;
}

/** `Authorization: Bearer <station key>`. */
export function parseStationBearer(header: string | undefined): { stationId: string; secret: string } | undefined {
  if (header === undefined || header.length > 120) return undefined;
  const m = /^Bearer +(\S+)$/i.exec(header.trim());
  return m ? parseStationKey(m[1]) : undefined;
}

export function stationSecretMatches(pepper: Buffer, secret: string, storedHash: Uint8Array): boolean {
  return secretMatches(pepper, secret, storedHash);
}
