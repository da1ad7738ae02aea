// What a step gets: the card, the job as persisted so far, the citizen, and
// the ports. Steps are small functions over this context (../steps/*.ts).
import type { PivClient } from '../../card/piv/index.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import type { AttestationVerifier, CertificateIssuer } from '../ports/ca.js';
import type { ManagementKeySource } from '../ports/management-key.js';
import type { Actor, IssuanceRegistry, JobRecord, StockCard } from '../ports/registry.js';
import type { CardholderSteps } from '../ports/cardholder.js';
import type { CardSerial, Citizen } from '../types.js';
import type { JobData, JobOptions, StepName } from './job.js';

/** Everything the engine is built from (the composition root wires it). */
export interface EngineDeps {
  readonly registry: IssuanceRegistry;
  readonly issuer: CertificateIssuer;
  readonly attestation: AttestationVerifier;
  readonly managementKeys: ManagementKeySource;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Issuing country (ISO 3166-1 alpha-2), as in the CA configuration. */
  readonly country: string;
  /** The published status views (OCSP cache, CRL) to drop when a commit changes status (replacement). */
  readonly publication?: { invalidate(): void };
  /** How long a running job keeps other runners out without renewing (default 120 s). */
  readonly leaseMs?: number;
  /**
   * Test seam (kill-at-every-step test, test/issuance/support/): called after
   * a step's card work ('ran') and after its completion is persisted
   * ('persisted'). Production wiring leaves it undefined.
   */
  readonly hooks?: {
    readonly stepRan?: (step: StepName) => void | Promise<void>;
    readonly stepPersisted?: (step: StepName) => void | Promise<void>;
  };
}

/** Time spent per kind of work, so `npm run bench:issuance` can say where a card's time goes. */
export interface Timing {
  card: number;
  ca: number;
  db: number;
}

export interface StepContext {
  readonly deps: EngineDeps;
  readonly piv: PivClient;
  readonly serial: CardSerial;
  readonly citizen: Citizen;
  readonly job: JobRecord;
  readonly data: JobData;
  readonly options: JobOptions;
  readonly stock: StockCard;
  readonly actor: Actor;
  /** The PIN and PUK steps, run where the PIN pad is (the station). */
  readonly cardholder: CardholderSteps;
  readonly timing: Timing;
  /** Authenticate to the card with its diversified management key (after step 2). */
  authenticateManagementKey(): Promise<void>;
  /** Run `fn`, counting its time as CA or database time. */
  timed<T>(kind: 'ca' | 'db', fn: () => Promise<T>): Promise<T>;
}

/** Thrown by a step when the card can no longer be brought to the job's state: wipe it and start over. */
export class WipeRequired extends Error {
  override readonly name = 'WipeRequired';
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface IssuanceStep {
  readonly name: StepName;
  /** Shown at the station while the step runs. */
  readonly title: string;
  /**
   * Do the step. It must be safe to run again after a crash between its card
   * work and the registry write that records it; it returns the job data to
   * persist (or nothing when the data does not change).
   */
  run(ctx: StepContext): Promise<JobData | void>;
  /**
   * On resume, for a step recorded as done: does the card still show what it
   * left? `false` wipes the card and starts over.
   */
  stillHolds?(ctx: StepContext): Promise<boolean>;
}
