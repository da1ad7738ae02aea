// Keeps the CA's delegated OCSP responder certificate valid while the
// service runs: one maintenance round at start, then one every interval
// (pki's maintainOcspResponder: takes up a renewal made by another process,
// renews inside the renewal window, audited). A failed round is logged and
// tried again next round; the responder meanwhile keeps signing with the
// certificate it has, and signs nothing once that one has expired.
import type { CertificateAuthority, OcspRenewalAudit } from '../../pki/index.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';

export interface OcspResponderWatch {
  /** One round now (also what the timer runs). */
  round(): Promise<void>;
  stop(): void;
}

export async function watchOcspResponder(options: {
  readonly ca: Pick<CertificateAuthority, 'maintainOcspResponder'>;
  readonly audit: OcspRenewalAudit;
  readonly clock: Clock;
  readonly log: Logger;
  readonly intervalMs: number;
}): Promise<OcspResponderWatch> {
  const { ca, log } = options;
  const round = async (): Promise<void> => {
    try {
      const r = await ca.maintainOcspResponder({ now: options.clock.now(), audit: options.audit });
      const fields = { serial: r.certificate.x509.serialNumber.toLowerCase(), notAfter: r.certificate.notAfter.toISOString() };
      if (r.action === 'renewed') log.info('OCSP responder certificate renewed', fields);
      else if (r.action === 'adopted') log.info('OCSP responder certificate renewed by another process taken up', fields);
    } catch (err) {
      log.warn('OCSP responder certificate could not be renewed; trying again next round', { err });
    }
  };
  await round();
  const timer = options.intervalMs > 0 ? setInterval(() => void round(), options.intervalMs) : undefined;
  timer?.unref();
  return { round, stop: () => clearInterval(timer) };
}
