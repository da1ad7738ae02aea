// Relying parties: who may ask for card + PIN authentication, with
// which scopes and attributes, from which terminals, at what rate.
import type { EkycAttribute, RpId, TerminalId } from './ids.js';

export const rpScopes = ['auth', 'ekyc'] as const;
export type RpScope = (typeof rpScopes)[number];

export interface RelyingParty {
  readonly id: RpId;
  readonly name: string;
  readonly status: 'active' | 'disabled';
  readonly scopes: readonly RpScope[];
  /** Attributes the RP's eKYC policy allows (empty without the ekyc scope). */
  readonly ekycAttributes: readonly EkycAttribute[];
  readonly rateLimitPerMinute: number;
  readonly terminalRatePerMinute: number;
  readonly terminals: readonly TerminalId[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface RpCredentialInfo {
  readonly keyId: string;
  /** The terminal the credential speaks for; undefined: RP-wide (the back end's). */
  readonly terminal: TerminalId | undefined;
  readonly createdAt: Date;
  /** undefined: valid until rotated */
  readonly validUntil: Date | undefined;
}

/** A new credential: the secret exists only in this object, shown once. */
export interface IssuedCredential {
  readonly keyId: string;
  readonly secret: string;
  /** `<keyId>.<secret>` as sent in `Authorization: Bearer …` */
  readonly token: string;
}

/** The caller of an RP route, once its credential checked out. */
export interface RpPrincipal {
  readonly rp: RelyingParty;
  readonly keyId: string;
  /**
   * Set for a terminal-bound credential: the caller may act for this one
   * terminal only (create, read, cancel and answer its challenges).
   */
  readonly terminal?: TerminalId | undefined;
}
