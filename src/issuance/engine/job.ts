// The persisted state of one personalisation: every step is recorded so an
// interrupted personalisation can be resumed, or the card wiped and
// restarted, never left half-issued and unknown. Only public facts are kept:
// public keys, attestation and issued certificates, the card UUID. Never a
// PIN, a PUK or a management key.
import type { CardSerial, CardUuid, ManagementKeyType } from '../types.js';

/** The steps of flow 1, in order (the list itself is in ../steps/index.ts). */
export const stepNames = [
  'check-card',
  'diversify-management-key',
  'generate-keys',
  'verify-attestation',
  'issue-certificates',
  'write-card-objects',
  'set-retry-limits',
  'citizen-sets-pin',
  'set-puk',
  'record',
] as const;
export type StepName = (typeof stepNames)[number];

export function isStepName(v: string): v is StepName {
  return (stepNames as readonly string[]).includes(v);
}

export interface JobOptions {
  /** Also generate the signature key 9C (nonRepudiation certificate). */
  readonly signatureKey: boolean;
  /** Issue the certificates on hold; activated when the citizen proves the PIN at hand-over. */
  readonly onHold: boolean;
  readonly managementKeyType: ManagementKeyType;
  /** The card's expiry (ISO date-time); certificates never outlive it. */
  readonly expiresAt: string;
  readonly pinRetries: number;
  readonly pukRetries: number;
  /** The card this one replaces (its certificates are revoked as superseded at commit). */
  readonly replaces: CardSerial | undefined;
}

/** One generated key, as the card reported it and the attestation proved it. */
export interface JobKey {
  readonly slot: number;
  /** SubjectPublicKeyInfo, base64. */
  readonly spki: string;
  /** The attestation certificate from F9 (base64 DER) once verified. */
  readonly attestation?: string;
}

export interface JobCertificate {
  readonly slot: number;
  readonly profile: 'card-auth' | 'card-sign';
  readonly serialHex: string;
  /** base64 DER */
  readonly der: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

export interface JobData {
  readonly cardUuid: CardUuid;
  readonly keys?: readonly JobKey[];
  /** The card's F9 certificate (base64 DER) as read at verification. */
  readonly attestationIssuer?: string;
  readonly certificates?: readonly JobCertificate[];
  /** Wipes done for this job and why (public reasons only). */
  readonly wipes?: readonly { readonly at: string; readonly reason: string }[];
}
