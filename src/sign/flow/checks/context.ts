// The state one submitted card signature accumulates while it goes through
// the checks (./index.ts), as a card response does in src/auth/checks.
import type { ConsumeAdmission as Admission } from '../../../rp/admission.js';
import type { CardStatusRecord } from '../../../auth/ports.js';
import type { RpId, TerminalId } from '../../../rp/ids.js';
import type { SignedAttributes } from '../../cades/signed-attributes.js';
import type { SignDeps } from '../deps.js';
import type { VerifiedSigner } from '../ports.js';
import type { SignRequestId, SignRequestRecord } from '../types.js';

export interface UnverifiedSignature {
  /** base64 DER X.509: the card's 9C certificate. */
  readonly certificate: string;
  /** base64 DER ECDSA-Sig-Value over SHA-256 of the signed attributes. */
  readonly signature: string;
  readonly terminalId: TerminalId;
}

export interface SignCaller {
  readonly rpId: RpId;
  /** The one terminal a terminal-bound credential speaks for. */
  readonly terminal?: TerminalId | undefined;
  /** The caller's rate limits, counted in the step that consumes the request. */
  readonly admission?: Admission | undefined;
}

export interface SignContext {
  readonly deps: SignDeps;
  readonly caller: SignCaller;
  readonly requestId: SignRequestId;
  readonly unverified: UnverifiedSignature;
  readonly now: Date;
  unverifiedCertDer?: Buffer;
  unverifiedSignature?: Buffer;
  request?: SignRequestRecord;
  signer?: VerifiedSigner;
  signedAttributes?: SignedAttributes;
  status?: CardStatusRecord;
}

export interface SignCheck {
  readonly name: string;
  run(ctx: SignContext): Promise<void> | void;
}

export function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`check order broken: ${what} not established`);
  return v;
}
