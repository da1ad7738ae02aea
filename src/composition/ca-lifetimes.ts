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

export function ocspResponderReadiness(
  ca: Pick<CertificateAuthority, 'health'>,
  clock: Clock,
): () => Promise<{ ready: boolean; details: { notAfter: string; renewFrom: string } }> {
  return async () => {
    const r = (await ca.health(clock.now())).ocspResponder;
    return { ready: r.ready, details: { notAfter: r.notAfter.toISOString(), renewFrom: r.renewFrom.toISOString() } };
  };
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

/** What each gauge of caLifetimeGauges means (the HELP line of /metrics). */
export const caLifetimeHelp: Readonly<Record<keyof ReturnType<typeof caLifetimeGauges>, string>> = {
  cardauth_ca_ocsp_responder_not_after_seconds: 'notAfter of the delegated OCSP responder certificate (Unix seconds).',
  cardauth_ca_ocsp_responder_renew_from_seconds: 'When the service renews the OCSP responder certificate (Unix seconds).',
  cardauth_ca_ocsp_responder_ready: '1 while the OCSP responder certificate is valid and outside its last days.',
  cardauth_ca_issuing_not_after_seconds: 'notAfter of the issuing CA certificate (Unix seconds).',
  cardauth_ca_issuing_card_validity_shortfall_days: 'Days by which a card certificate issued now for the maximum card validity would outlive the issuing CA (0: none).',
  cardauth_ca_root_not_after_seconds: 'notAfter of the root CA certificate (Unix seconds).',
  cardauth_ca_result_key_since_seconds: 'Since when the current result-signing key signs (Unix seconds).',
  cardauth_ca_result_key_age_seconds: 'Age of the current result-signing key (seconds).',
};
