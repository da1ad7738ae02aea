// Flow 1 step 8: "Records card, certificates and state in the registry,
// audited, in one transaction. The certificate may be issued on hold and
// activated when the citizen proves the PIN at hand-over."
//
// This is the commit point of a personalisation: before it, nothing but the
// job and the stock reservation exists in the registry; after it, the card,
// its certificates, the stock row, the job (completed) and the audit entry
// all exist together. Before committing, the card is read back once more:
// the certificates we register are for keys the card holds now.
import type { CertSerialHex } from '../types.js';
import { WipeRequired, type IssuanceStep, type StepContext } from '../engine/context.js';
import { fromB64 } from '../lib/b64.js';
import { cardHoldsJobKeys } from './generate-keys.js';

function attestationOf(keys: StepContext['data']['keys'], slot: number): { attestationDer?: Uint8Array } {
  const a = keys?.find((k) => k.slot === slot)?.attestation;
  return a === undefined ? {} : { attestationDer: fromB64(a) };
}

export const record: IssuanceStep = {
  name: 'record',
  title: 'Record the card and its certificates',
  async run(ctx) {
    if (!(await cardHoldsJobKeys(ctx))) throw new WipeRequired('the card no longer holds the keys of this job');
    const now = ctx.deps.clock.now();
    const onHold = ctx.options.onHold;
    await ctx.timed('db', () =>
      ctx.deps.registry.commitIssuance({
        jobId: ctx.job.id,
        jobVersion: ctx.job.version,
        card: {
          serial: ctx.serial,
          uuid: ctx.data.cardUuid,
          citizenId: ctx.citizen.id,
          status: onHold ? 'pending_activation' : 'active',
          expiresAt: new Date(ctx.options.expiresAt),
          issuedAt: now,
          jobId: ctx.job.id,
          replacesSerial: ctx.options.replaces,
        },
        certificates: (ctx.data.certificates ?? []).map((c) => ({
          serialHex: c.serialHex as CertSerialHex,
          slot: c.slot,
          profile: c.profile,
          der: fromB64(c.der),
          notBefore: new Date(c.notBefore),
          notAfter: new Date(c.notAfter),
          ...attestationOf(ctx.data.keys, c.slot),
        })),
        certificateStatus: onHold ? 'hold' : 'good',
        actor: ctx.actor,
        now,
      }),
    );
  },
};
