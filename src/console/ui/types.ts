// What the API answers, as far as the pages read it (the OpenAPI document at
// /openapi.json is the reference).
export interface Citizen {
  readonly id: string;
  readonly nationalId: string;
  readonly surname: string;
  readonly givenName: string;
  readonly surnameLatin?: string;
  readonly givenNameLatin?: string;
  readonly birthDate: string;
  readonly country: string;
}

export interface Certificate {
  readonly serialHex: string;
  readonly slot: string;
  readonly status: 'good' | 'hold' | 'revoked';
  readonly revocationReason?: string;
  readonly statusChangedAt?: string;
  readonly notAfter: string;
}

export interface Card {
  readonly serial: number;
  readonly uuid: string;
  readonly citizenId: string;
  readonly status: string;
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly replacesSerial?: number;
  readonly certificates: readonly Certificate[];
}

export interface CardSummary {
  readonly serial: number;
  readonly status: string;
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly replacesSerial?: number;
  readonly supersededBy?: number;
}

export interface Approval {
  readonly id: string;
  readonly action: 'pin-reset' | 'revoke-key-compromise';
  readonly subject: string;
  readonly reason: string;
  readonly requestedBy: string;
  readonly requestedByName?: string;
  readonly decidedBy: string | null;
  readonly decidedByName?: string;
  readonly state: 'pending' | 'approved' | 'rejected' | 'executed';
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface Reader {
  readonly name: string;
  readonly cardPresent: boolean;
  readonly cardSerial?: number | string;
}

export interface Station {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly online: boolean;
  readonly lastSeenAt?: string | null;
  readonly readers: readonly Reader[];
}

export interface Job {
  readonly id: string;
  readonly cardSerial: number;
  readonly citizenId: string;
  readonly status: 'running' | 'interrupted' | 'completed' | 'failed' | 'cancelled';
  readonly completedSteps: readonly string[];
  readonly lastError?: string;
  readonly certificates: ReadonlyArray<{ readonly slot: string; readonly serialHex: string }>;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly kind?: string;
}

export interface StaffAccount {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: string;
  readonly disabled: boolean;
  readonly createdAt: string;
}

export interface RelyingParty {
  readonly id: string;
  readonly name: string;
  readonly status: 'active' | 'disabled';
  readonly scopes: readonly string[];
  readonly ekycAttributes: readonly string[];
  readonly terminals: readonly string[];
  readonly rateLimitPerMinute: number;
  readonly terminalRatePerMinute: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly credentials?: ReadonlyArray<{ readonly keyId: string; readonly terminal?: string; readonly createdAt: string; readonly validUntil?: string }>;
}

export interface NewSecret {
  readonly keyId: string;
  readonly secret: string;
  readonly token: string;
}

export interface AuditEntry {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly actorName?: string;
  readonly action: string;
  readonly subject: string;
  readonly data: unknown;
  readonly hash: string;
}

export const roles = ['officer', 'supervisor', 'auditor', 'admin'] as const;
export const revocationReasons = ['unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'privilegeWithdrawn'] as const;

/** The personalisation steps in order, as the engine names them, with what staff read. */
export const personalisationSteps: ReadonlyArray<readonly [string, string]> = [
  ['check-card', 'Check the card is blank and in stock'],
  ['diversify-management-key', 'Give the card its own management key'],
  ['generate-keys', 'Generate the keys on the card'],
  ['verify-attestation', 'Verify the card’s attestation'],
  ['issue-certificates', 'Issue the certificates'],
  ['write-card-objects', 'Write certificates and card identifiers'],
  ['set-retry-limits', 'Set the PIN and PUK retry limits'],
  ['citizen-sets-pin', 'The citizen sets the PIN at the station'],
  ['set-puk', 'Set the PUK (shown to the citizen once)'],
  ['record', 'Record the card in the registry'],
];

export function fullName(surname: string, given: string): string {
  return `${surname} ${given}`.trim();
}
