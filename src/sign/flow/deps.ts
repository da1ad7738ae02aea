// What the sign-request operations are given by the composition root.
import type { CardStatusLookup } from '../../auth/ports.js';
import type { EphemeralStore } from '../../store/ephemeral.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import type { Timestamper } from '../ports.js';
import type { SignerCertificateVerifier } from './ports.js';

export interface SignDeps {
  readonly store: EphemeralStore;
  /** Chain, card-sign profile, validity of a 9C certificate (pki). */
  readonly verifier: SignerCertificateVerifier;
  /** Card and 9C certificate status in the registry; throws when it cannot answer. */
  readonly status: CardStatusLookup;
  /** The CA's timestamping authority (CAdES-B-T); without one signatures are B-B. */
  readonly timestamper?: Timestamper | undefined;
  /** Certificates carried in every CMS besides the signer's: the issuing CA. */
  readonly chain: readonly Uint8Array[];
  readonly clock: Clock;
  readonly log: Logger;
  /** Default lifetime of a request (s), as for authentication challenges. */
  readonly requestTtlSeconds: number;
  /** How long an outcome stays readable with GET (s). Default 900. */
  readonly outcomeTtlSeconds?: number;
}

export const MIN_SIGN_REQUEST_TTL_SECONDS = 10;
export const MAX_SIGN_REQUEST_TTL_SECONDS = 300;
export const DEFAULT_SIGN_OUTCOME_TTL_SECONDS = 900;
