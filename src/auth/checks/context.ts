// The state one card response accumulates while it goes through the checks
// (./index.ts). Each check reads what earlier checks established and adds
// its own finding; nothing later trusts a field an earlier check did not set.
import type { CounterSpec, HitResult } from '../../store/ephemeral.js';
import type { AuthDeps } from '../deps.js';
import type { CardStatusRecord, VerifiedCard } from '../ports.js';
import type { ChallengeId, ChallengeRecord, EkycAttribute, RpId, TerminalId } from '../types.js';

export interface UnverifiedResponse {
  /** base64 DER X.509 (the card's 9A certificate) */
  readonly certificate: string;
  /** base64 DER ECDSA-Sig-Value over the signing input */
  readonly signature: string;
  /** The terminal that submits (must be the challenge's). */
  readonly terminalId: TerminalId;
  /** PIN tries left as the terminal saw them after VERIFY (informative). */
  readonly triesLeft?: number | undefined;
}

export interface ResponseCaller {
  readonly rpId: RpId;
  readonly ekycAttributes: readonly EkycAttribute[];
  /** The one terminal a terminal-bound credential speaks for (other terminals' challenges are not found to it). */
  readonly terminal?: TerminalId | undefined;
  /** The caller's rate limits, counted in the step that consumes the challenge. */
  readonly admission?: Admission | undefined;
}

/**
 * Counters the store increments in the same atomic step that consumes the
 * challenge (one Redis round trip): the challenge is taken only when every
 * count is within its limit, so a refused request consumes nothing. `admit`
 * sees the counts (in `counters` order) and throws to refuse.
 */
export interface Admission {
  readonly counters: readonly CounterSpec[];
  admit(hits: readonly HitResult[]): void;
}

export interface ResponseContext {
  readonly deps: AuthDeps;
  readonly caller: ResponseCaller;
  readonly challengeId: ChallengeId;
  readonly unverified: UnverifiedResponse;
  readonly now: Date;
  // Set by the checks, in order:
  unverifiedCertDer?: Buffer;
  unverifiedSignature?: Buffer;
  challenge?: ChallengeRecord;
  card?: VerifiedCard;
  /** The signing input's preimage the signature was verified over. */
  preimage?: Buffer;
  status?: CardStatusRecord;
}

export interface ResponseCheck {
  readonly name: string;
  run(ctx: ResponseContext): Promise<void> | void;
}

/** A field an earlier check must have set; a missing one is a wiring bug, refused closed. */
export function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`check order broken: ${what} not established`);
  return v;
}
