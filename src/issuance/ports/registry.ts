// What issuance needs from the registry (docs/architecture.md, "Registry"), as a port: the
// engine and the lifecycle operations see only this. The SQL adapter over
// the registry's tables lives in ../store/sql-registry.ts; a memory one for
// fast unit tests in ../store/memory-registry.ts.
//
// Every method that changes citizens, cards or certificates writes its audit
// entry in the same transaction, so a change and its record commit or roll
// back together.
import type { CardSerial, CardStatus, CardUuid, CertSerialHex, CertificateStatus, Citizen, JobId, RevocationReason } from '../types.js';
import type { ValidCitizen } from '../validate/citizen.js';
import type { JobData, JobOptions, StepName } from '../engine/job.js';

/** Who does something (a staff member, or the system for expiry). */
export interface Actor {
  readonly staffId: string;
  readonly role: string;
}

export type StockStatus = 'available' | 'reserved' | 'issued' | 'rejected';

export interface StockCard {
  readonly serial: CardSerial;
  readonly status: StockStatus;
  /** The card's F9 attestation certificate recorded at stock intake (DER), if any. */
  readonly attestationCertDer: Uint8Array | undefined;
}

export type JobStatus = 'running' | 'interrupted' | 'completed' | 'failed' | 'cancelled';

export interface JobRecord {
  readonly id: JobId;
  readonly cardSerial: CardSerial;
  readonly citizenId: string;
  readonly status: JobStatus;
  /** Steps completed in this attempt, in order. */
  readonly completedSteps: readonly StepName[];
  readonly data: JobData;
  readonly options: JobOptions;
  /** Bumped at every change: a runner whose version is stale has been taken over. */
  readonly version: number;
  /** Wipes so far (each starts the steps over). */
  readonly attempt: number;
  readonly leaseUntil: Date | undefined;
  readonly lastError: string | undefined;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface IssuedCertificateRecord {
  readonly serialHex: CertSerialHex;
  readonly slot: number;
  readonly profile: 'card-auth' | 'card-sign';
  readonly der: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The verified attestation of the certified key (F9-signed, DER), kept as evidence. */
  readonly attestationDer?: Uint8Array;
}

export interface CardRecord {
  readonly serial: CardSerial;
  readonly uuid: CardUuid;
  readonly citizenId: string;
  readonly status: CardStatus;
  readonly expiresAt: Date;
  readonly issuedAt: Date;
  readonly jobId: JobId | undefined;
  readonly replacesSerial: CardSerial | undefined;
}

export interface CertificateRecord {
  readonly serialHex: CertSerialHex;
  readonly cardSerial: CardSerial;
  readonly slot: number;
  readonly status: CertificateStatus;
  readonly revocationReason: RevocationReason | undefined;
  readonly statusChangedAt: Date | undefined;
  readonly notAfter: Date;
}

/** The one transaction at the end of a personalisation (flow 1 step 8 of docs/architecture.md). */
export interface IssuanceCommit {
  readonly jobId: JobId;
  readonly jobVersion: number;
  readonly card: Omit<CardRecord, 'status'> & { readonly status: 'active' | 'pending_activation' };
  readonly certificates: readonly IssuedCertificateRecord[];
  /** 'hold' when the card is issued on hold until hand-over. */
  readonly certificateStatus: 'good' | 'hold';
  readonly actor: Actor;
  readonly now: Date;
}

export interface CertificateStatusChange {
  readonly cardSerial: CardSerial;
  /** The card must be in one of these states (checked under the row lock), else card_state_invalid. */
  readonly fromCardStatus: readonly CardStatus[];
  readonly cardStatus: CardStatus;
  /** What the card's certificates become. */
  readonly certificates:
    | { readonly status: 'good' }
    | { readonly status: 'hold' }
    | { readonly status: 'revoked'; readonly reason: RevocationReason };
  /** Only certificates now in one of these states change (a revoked one never comes back). */
  readonly from: readonly CertificateStatus[];
  readonly auditAction: string;
  readonly auditDetail: Record<string, unknown>;
  readonly actor: Actor;
  readonly now: Date;
}

export interface IssuanceRegistry {
  // Citizens
  createCitizen(citizen: ValidCitizen & { readonly country: string }, actor: Actor, now: Date): Promise<Citizen>;
  findCitizen(nationalId: string): Promise<Citizen | undefined>;
  findCitizenById(id: string): Promise<Citizen | undefined>;
  searchCitizens(query: { readonly surname?: string; readonly limit: number }): Promise<Citizen[]>;

  // Stock
  getStock(serial: CardSerial): Promise<StockCard | undefined>;
  /**
   * A blank card from the manufacturer into the stock, audited: its serial,
   * manufacturer and F9 attestation certificate as read from the card.
   * Throws card_stock_exists for a serial already received.
   */
  receiveStock(card: { readonly serial: CardSerial; readonly manufacturer: string; readonly attestationCertDer: Uint8Array | undefined }, actor: Actor, now: Date): Promise<StockCard>;

  // Jobs
  /**
   * Open a job on a blank card for a citizen, in one transaction: the stock
   * row must be 'available' (locked, then set 'reserved'); no other open job
   * may exist for the card. Throws card_not_in_stock, issuance_in_progress.
   */
  openJob(input: {
    readonly id: JobId;
    readonly cardSerial: CardSerial;
    readonly citizenId: string;
    readonly options: JobOptions;
    readonly data: JobData;
    readonly actor: Actor;
    readonly now: Date;
    readonly leaseUntil: Date;
  }): Promise<JobRecord>;
  getJob(id: JobId): Promise<JobRecord | undefined>;
  /** The job not yet finished (running or interrupted) on this card, if any. */
  findOpenJob(cardSerial: CardSerial): Promise<JobRecord | undefined>;
  listJobs(query: { readonly status?: JobStatus; readonly limit: number }): Promise<JobRecord[]>;
  /**
   * Change a job if (and only if) its version is still `version`; returns the
   * new record. Throws issuance_job_conflict otherwise.
   */
  updateJob(
    id: JobId,
    version: number,
    change: {
      readonly status?: JobStatus;
      readonly completedSteps?: readonly StepName[];
      readonly data?: JobData;
      readonly attempt?: number;
      readonly leaseUntil?: Date | null;
      readonly lastError?: string | null;
      /** What happens to the stock row with the job (failed/cancelled jobs release or reject the card). */
      readonly stockStatus?: StockStatus;
      readonly now: Date;
    },
  ): Promise<JobRecord>;
  /** Flow 1 step 8: card, certificates, stock, job and audit in one transaction. */
  commitIssuance(commit: IssuanceCommit): Promise<void>;

  // Cards and certificates
  getCard(serial: CardSerial): Promise<CardRecord | undefined>;
  activeCardOf(citizenId: string): Promise<CardRecord | undefined>;
  certificatesOf(serial: CardSerial): Promise<CertificateRecord[]>;
  /** One certificate by serial (the CA's OCSP/CRL status source). */
  getCertificate(serialHex: string): Promise<CertificateRecord | undefined>;
  /** Certificates revoked or on hold that have not expired at `now` (the CRL's entries). */
  revokedCertificates(now: Date): Promise<CertificateRecord[]>;
  /** Change card status and its certificates' status, audited, in one transaction. */
  changeCardStatus(change: CertificateStatusChange): Promise<CertificateRecord[]>;
  /** An audit entry about a card with no record change (PIN unblocked at a reader, PUK reset). */
  recordCardEvent(serial: CardSerial, action: string, detail: Record<string, unknown>, actor: Actor, now: Date): Promise<void>;
  /** Cards whose expiry has passed but are still active/hold/pending. */
  cardsExpiredBy(now: Date, limit: number): Promise<CardRecord[]>;
}
