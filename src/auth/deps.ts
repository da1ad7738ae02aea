// What the authentication operations are given by the composition root.
import type { EphemeralStore } from '../store/ephemeral.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { Peppers } from '../rp/pepper.js';
import type { OutcomeSignal } from './lib/outcome-signal.js';
import type { CardCertificateVerifier, CardStatusLookup, EvidenceOcsp, OutcomeEvents, ResultKeys } from './ports.js';

export interface AuthDeps {
  readonly store: EphemeralStore;
  readonly verifier: CardCertificateVerifier;
  readonly status: CardStatusLookup;
  readonly keys: ResultKeys;
  /** OCSP for the evidence of challenges that ask for it; without it such challenges are refused at creation. */
  readonly evidenceOcsp?: EvidenceOcsp;
  readonly peppers: Peppers;
  readonly clock: Clock;
  readonly log: Logger;
  /** `iss` of results: the service's public base URL. */
  readonly issuer: string;
  /** Default challenge lifetime (s); requests may ask for less, never above MAX. */
  readonly challengeTtlSeconds: number;
  /** Webhook events of stored outcomes; without it nothing is pushed. */
  readonly events?: OutcomeEvents;
  /** Wakes this process's long-polls when it stores an outcome (wait-for-challenge-state.ts). */
  readonly outcomeSignal?: OutcomeSignal;
  /** How long an outcome stays readable with GET (s). Default 900. */
  readonly outcomeTtlSeconds?: number;
  /** A sandbox service (test CA, test cards): every result says `"sandbox": true`. */
  readonly sandbox?: boolean;
}

