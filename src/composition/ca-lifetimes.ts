// What the service shows of the CA's lifetimes (pki's ca.health()):
// - a readiness probe that fails while the OCSP responder certificate is
//   expired, not yet valid, or inside the last OCSP_READY_MARGIN_DAYS (the
//   automatic renewal has failed for weeks by then, and clients will soon
//   report "Response Verify Failure");
// - gauges in Prometheus form, as dates (Unix seconds) and day counts, for
//   /metrics: the responder certificate's notAfter, the issuing CA's and the
//   root's notAfter, how many days a card certificate issued now for the
//   maximum card validity falls short of it, and since when the current
//   result-signing key signs.
import type { CaHealth, CertificateAuthority } from '../../pki/index.js';
import type { Clock } from '../util/clock.js';

export function ocspResponderReadiness(ca: Pick<CertificateAuthority, 'health'>, clock: Clock): () => Promise<boolean> {
  return async () => (await ca.health(clock.now())).ocspResponder.ready;
}

const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);

export function caLifetimeGauges(h: CaHealth): Record<string, number> {
  return {
    cardauth_ca_ocsp_responder_not_after_seconds: seconds(h.ocspResponder.notAfter),
    cardauth_ca_ocsp_responder_renew_from_seconds: seconds(h.ocspResponder.renewFrom),
    cardauth_ca_ocsp_responder_ready: h.ocspResponder.ready ? 1 : 0,
    cardauth_ca_issuing_not_after_seconds: seconds(h.issuing.notAfter),
    cardauth_ca_issuing_card_validity_shortfall_days: h.issuing.cardValidityShortfallDays,
    cardauth_ca_root_not_after_seconds: seconds(h.root.notAfter),
    cardauth_ca_result_key_since_seconds: seconds(h.resultSigningKey.since),
    cardauth_ca_result_key_age_seconds: Math.max(0, seconds(h.at) - seconds(h.resultSigningKey.since)),
  };
}
