// The lifetimes of what the online CA signs with, as dates, for readiness
// probes and metrics:
// - the delegated OCSP responder certificate (ocsp-responder-lifetime.ts):
//   its state and whether the service should count as ready;
// - the issuing CA against the card validity it is asked for: a card
//   certificate never outlives the issuing CA (RFC 5280 §6.1.3 would make the
//   tail unusable), so once fewer than maxCardValidityDays remain, a card
//   issued for the maximum gets a certificate that ends before the card;
// - the root;
// - the result-signing key: since when it signs (result-keys.json's
//   current.since; before the first rotation, the key made by `ca init`
//   with the hierarchy, so the issuing CA's notBefore).
import type { CaCertificate } from './ca-certificate.js';
import { ocspResponderStateAt, OCSP_READY_MARGIN_DAYS, OCSP_RENEW_BEFORE_DAYS, type OcspResponderState } from './ocsp-responder-lifetime.js';
import { serialHex } from '../lib/serial.js';
import type { CertSerialHex } from '../types.js';

const DAY_MS = 86_400_000;

export interface CaHealth {
  readonly at: Date;
  readonly ocspResponder: {
    readonly serialHex: CertSerialHex;
    readonly notBefore: Date;
    readonly notAfter: Date;
    /** Automatic renewal starts at this time. */
    readonly renewFrom: Date;
    /** Readiness fails from this time. */
    readonly readyUntil: Date;
    readonly state: OcspResponderState;
    /** valid or renewal-due: the service can answer OCSP for more than the readiness margin. */
    readonly ready: boolean;
  };
  readonly issuing: {
    readonly notAfter: Date;
    readonly maxCardValidityDays: number;
    /** Last moment a card certificate of the full maximum validity can be issued. */
    readonly fullCardValidityUntil: Date;
    /** How many days a certificate issued now for the maximum validity falls short of it (0 = none). */
    readonly cardValidityShortfallDays: number;
  };
  readonly root: { readonly notAfter: Date };
  readonly resultSigningKey: {
    readonly name: string;
    /** Since when it signs; the CA's creation for a key never rotated. */
    readonly since: Date;
  };
}

export interface CaHealthInput {
  readonly at: Date;
  readonly ocsp: CaCertificate;
  readonly issuing: CaCertificate;
  readonly root: CaCertificate;
  readonly maxCardValidityDays: number;
  readonly resultKey: { readonly name: string; readonly since: Date | undefined };
}

export function caHealth(input: CaHealthInput): CaHealth {
  const { at, ocsp, issuing } = input;
  const state = ocspResponderStateAt(ocsp, at);
  const fullCardValidityUntil = new Date(issuing.notAfter.getTime() - input.maxCardValidityDays * DAY_MS);
  const shortfallMs = at.getTime() + input.maxCardValidityDays * DAY_MS - issuing.notAfter.getTime();
  return {
    at,
    ocspResponder: {
      serialHex: serialHex(ocsp.x509.serialNumber),
      notBefore: ocsp.notBefore,
      notAfter: ocsp.notAfter,
      renewFrom: new Date(ocsp.notAfter.getTime() - OCSP_RENEW_BEFORE_DAYS * DAY_MS),
      readyUntil: new Date(ocsp.notAfter.getTime() - OCSP_READY_MARGIN_DAYS * DAY_MS),
      state,
      ready: state === 'valid' || state === 'renewal-due',
    },
    issuing: {
      notAfter: issuing.notAfter,
      maxCardValidityDays: input.maxCardValidityDays,
      fullCardValidityUntil,
      cardValidityShortfallDays: Math.max(0, Math.ceil(shortfallMs / DAY_MS)),
    },
    root: { notAfter: input.root.notAfter },
    resultSigningKey: { name: input.resultKey.name, since: input.resultKey.since ?? issuing.notBefore },
  };
}
