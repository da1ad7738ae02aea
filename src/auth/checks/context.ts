// What one card response carries through the checks (./index.ts), typed by
// stage: each check reads what earlier checks established and returns what it
// adds, so the compiler knows which fields exist after which check. Nothing
// later trusts a field an earlier check did not set: no field is optional.
import type { AdmissionSubject } from '../../rp/admission.js';
import type { EkycAttribute } from '../../rp/ids.js';
import type { AuthDeps } from '../deps.js';
import type { CardStatusRecord, VerifiedCard } from '../ports.js';
import type { ChallengeRecord } from '../types.js';
import type { ChallengeId, UnverifiedResponse } from '../wire.js';

/** Who submits: the RP as registered (scopes, terminals, eKYC policy, limits), its credential's terminal, its request's rate account. */
export interface ResponseCaller extends AdmissionSubject {
  readonly rp: AdmissionSubject['rp'] & { readonly ekycAttributes: readonly EkycAttribute[] };
}

/** Stage 0: what the caller handed in. */
export interface Submitted {
  readonly deps: AuthDeps;
  readonly caller: ResponseCaller;
  readonly challengeId: ChallengeId;
  readonly unverified: UnverifiedResponse;
  readonly now: Date;
}
/** After the size bounds: the decoded bytes, still untrusted. */
export interface Bounded extends Submitted {
  readonly unverifiedCertDer: Buffer;
  readonly unverifiedSignature: Buffer;
}
/** After the challenge was consumed: the server's own record of it. */
export interface Consumed extends Bounded {
  readonly challenge: ChallengeRecord;
}
/** After the certificate checked out. */
export interface Certified extends Consumed {
  readonly card: VerifiedCard;
}
/** After the signature verified: the preimage it was verified over. */
export interface Signed extends Certified {
  readonly preimage: Buffer;
}
/** After the registry vouched for the card: every check passed. */
export interface Checked extends Signed {
  readonly status: CardStatusRecord;
}

/**
 * One check: reads stage `In`, throws to refuse, returns the fields it adds
 * (nothing for a check that only refuses). Synchronous checks return
 * synchronously: they cost no microtask turn.
 */
export interface ResponseCheck<In, Added extends object | void = void> {
  readonly name: string;
  /**
   * `put-back`: when this check fails with `unavailable`, every check before
   * it passed and nothing was decided against the response, so the consumed
   * challenge goes back for the rest of its lifetime and the same signed
   * response can complete it later.
   */
  readonly whenUnavailable?: 'put-back';
  run(ctx: In): Added | Promise<Added>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCheck = ResponseCheck<any, object | void>;

/** An ordered list of checks whose types chain: each check's input is what the checks before it established. */
export class CheckList<In, Out> {
  private constructor(readonly checks: readonly AnyCheck[]) {}

  static from<In>(): CheckList<In, In> {
    return new CheckList<In, In>([]);
  }

  then<Added extends object | void>(check: ResponseCheck<Out, Added>): CheckList<In, Added extends object ? Out & Added : Out> {
    return new CheckList([...this.checks, check]);
  }

  /** Run the checks in order; `onStep` learns each one before it runs (for the log and the put-back rule). */
  async run(ctx: In, onStep: (check: AnyCheck) => void): Promise<Out> {
    const acc = ctx as Record<string, unknown>;
    for (const check of this.checks) {
      onStep(check);
      let added = check.run(acc);
      if (added instanceof Promise) added = await added;
      if (added !== undefined) Object.assign(acc, added);
    }
    return acc as Out;
  }
}
