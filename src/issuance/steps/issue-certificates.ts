// Flow 1 step 6 (first half): "Issues the certificates from the issuing CA".
// 9A gets the card-authentication profile (digitalSignature, clientAuth), 9C
// the signature profile (nonRepudiation); both name the citizen as the card
// certificate profile says (docs/architecture.md) and end no later than the card.
//
// Certificates issued here are not registered yet: the registry learns them
// only in the final transaction (step 'record'), together with the card. A
// crash before that leaves certificates nobody relies on (OCSP answers
// "unknown" for them, and authentication fails closed on unknown).
import { pivKeySlots } from '../../card/piv/constants.js';
import type { IssuanceStep } from '../engine/context.js';
import type { JobCertificate } from '../engine/job.js';
import { fromB64, toB64 } from '../lib/b64.js';

export const issueCertificates: IssuanceStep = {
  name: 'issue-certificates',
  title: 'Issue the certificates',
  async run(ctx) {
    const certificates: JobCertificate[] = [];
    for (const k of ctx.data.keys ?? []) {
      const profile = k.slot === pivKeySlots.SIGNATURE ? 'card-sign' : 'card-auth';
      const issued = await ctx.timed('ca', () =>
        ctx.deps.issuer.issue({
          publicKeySpki: fromB64(k.spki),
          profile,
          subject: {
            country: ctx.citizen.country,
            surname: ctx.citizen.surname,
            givenName: ctx.citizen.givenName,
            ...(ctx.citizen.surnameLatin !== undefined && ctx.citizen.givenNameLatin !== undefined
              ? { latin: { surname: ctx.citizen.surnameLatin, givenName: ctx.citizen.givenNameLatin } }
              : {}),
            nationalId: ctx.citizen.nationalId,
          },
          notAfter: new Date(ctx.options.expiresAt),
        }),
      );
      certificates.push({
        slot: k.slot,
        profile,
        serialHex: issued.serialHex,
        der: toB64(issued.der),
        notBefore: issued.notBefore.toISOString(),
        notAfter: issued.notAfter.toISOString(),
      });
    }
    return { ...ctx.data, certificates };
  },
};
