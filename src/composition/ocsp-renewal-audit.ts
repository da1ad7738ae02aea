// The audit sink for renewals of the OCSP responder certificate (pki's
// OcspRenewalAudit): one hash-chained audit entry per renewal, written before
// the new certificate takes effect (a failed append cancels the renewal).
// Certificates are public: the entry names serials and dates only.
import type { OcspRenewalAudit } from '../../pki/index.js';
import { appendAudit } from '../registry/audit/append.js';
import type { Sql } from '../registry/sql.js';

export const OCSP_RENEWAL_AUDIT_ACTION = 'ca.ocsp_responder.renew';

export function ocspRenewalAudit(sql: Sql, who: { readonly actor: string; readonly via: string; readonly osUser?: string }): OcspRenewalAudit {
  return async (e) => {
    await appendAudit(sql, {
      actor: who.actor,
      action: OCSP_RENEWAL_AUDIT_ACTION,
      subject: `certificate:${e.serialHex}`,
      data: {
        trigger: e.trigger,
        via: who.via,
        ...(who.osUser === undefined ? {} : { osUser: who.osUser }),
        notBefore: e.notBefore.toISOString(),
        notAfter: e.notAfter.toISOString(),
        previous: e.previousSerialHex,
        previousNotAfter: e.previousNotAfter.toISOString(),
      },
      at: new Date(),
    });
  };
}
