// Shared value types of the CA library (RFC 5280 §5.3.1 reasons, RFC 6960
// statuses). Identifiers are branded so a hex serial cannot be confused with
// any other string.
import type { KeyObject } from 'node:crypto';

/** Certificate serial number: lowercase hex of the positive integer, even length, no 00 padding. Minted by serialHex(). */
export type CertSerialHex = string & { readonly __brand: 'CertSerialHex' };

/** RFC 5280 §5.3.1 CRLReason codes (7 is unused by the RFC). */
export const revocationReasons = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type RevocationReason = Exclude<keyof typeof revocationReasons, 'certificateHold' | 'removeFromCRL'>;

/**
 * Status of one certificate as the registry knows it. `hold` is the
 * reversible suspension (certificateHold); `revoked` is permanent.
 */
export type CertStatus =
  | { readonly status: 'good' }
  | { readonly status: 'hold'; readonly since: Date }
  | { readonly status: 'revoked'; readonly reason: RevocationReason; readonly at: Date }
  | { readonly status: 'unknown' };

/** Port: status of one certificate issued by this CA (the registry, later). */
export type CertStatusLookup = (serial: CertSerialHex) => Promise<CertStatus>;

/** One CRL entry: revoked (permanent) or on hold. */
export type RevokedEntry =
  | { readonly serial: CertSerialHex; readonly status: 'hold'; readonly since: Date }
  | { readonly serial: CertSerialHex; readonly status: 'revoked'; readonly reason: RevocationReason; readonly at: Date };

/** Port: every revoked or held certificate of the issuing CA that has not expired. */
export type RevokedListSource = () => Promise<readonly RevokedEntry[]>;

export type CurveName = 'P-256' | 'P-384';

/** A public key as callers hand it in: SPKI DER bytes or a KeyObject. */
export type PublicKeyInput = Uint8Array | KeyObject;

export type Der = Uint8Array;
