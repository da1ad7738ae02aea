// Value types of issuance (flow 1 of docs/architecture.md). Identifiers are branded and
// minted by one function each, so a national ID cannot be confused with a
// card serial or a job id.
import type { CardSerial } from '../card/piv/constants.js';
import { issuanceError } from './codes.js';

export type { CardSerial };

/** A citizen's national identity number, upper-case letters and digits. Minted by parseNationalId. */
export type NationalId = string & { readonly __brand: 'NationalId' };
/** An issuance job (UUID). */
export type JobId = string & { readonly __brand: 'IssuanceJobId' };
/** The card's UUID written as the CHUID GUID (RFC 4122 text form). */
export type CardUuid = string & { readonly __brand: 'CardUuid' };
/** Certificate serial as lower-case hex (the CA's CertSerialHex). */
export type CertSerialHex = string & { readonly __brand: 'CertSerialHex' };

const NATIONAL_ID = /^[A-Z0-9]{6,20}$/;

/**
 * National ID: 6–20 characters, A–Z and 0–9 (letters are upper-cased first;
 * spaces and hyphens people type for readability are dropped). It becomes
 * part of the certificate subject serialNumber `PNO<country>-<id>` (ETSI EN
 * 319 412-1 §5.1.3), so nothing else is allowed.
 */
export function parseNationalId(input: string): NationalId {
  const v = input.replace(/[\s-]/g, '').toUpperCase();
  if (!NATIONAL_ID.test(v)) {
    throw issuanceError('citizen_invalid', 'The national ID must be 6 to 20 letters A–Z or digits 0–9', {
      detail: { field: 'nationalId' },
    });
  }
  return v as NationalId;
}

export function isJobId(v: string): v is JobId {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v);
}

/** Key slots the engine personalises: 9A always, 9C on request. */
export const issuedSlots = { auth: 0x9a, sign: 0x9c } as const;
export type IssuedSlotName = keyof typeof issuedSlots;

/**
 * The management key type a card is given: AES-256, or 3DES for cards that
 * tools speaking only 3DES (yubico-piv-tool 2.2) must manage.
 */
export const managementKeyTypes = ['AES256', 'TDES'] as const;
export type ManagementKeyType = (typeof managementKeyTypes)[number];

/** A citizen as issuance needs it. */
export interface Citizen {
  readonly id: string;
  readonly nationalId: NationalId;
  readonly surname: string;
  readonly givenName: string;
  /** The name in Latin letters (upper case), when enrolled with one; the certificate's CN uses it. */
  readonly surnameLatin?: string | undefined;
  readonly givenNameLatin?: string | undefined;
  readonly birthDate: string;
  readonly country: string;
}

export type CertificateStatus = 'good' | 'hold' | 'revoked';

/** RFC 5280 §5.3.1 reasons staff may give (certificateHold is suspend, not revoke). */
export const revocationReasons = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'privilegeWithdrawn',
] as const;
export type RevocationReason = (typeof revocationReasons)[number];

export const cardStatuses = ['active', 'hold', 'pending_activation', 'revoked', 'superseded', 'expired', 'wiped'] as const;
export type CardStatus = (typeof cardStatuses)[number];
