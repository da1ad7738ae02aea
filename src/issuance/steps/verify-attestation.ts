// Flow 1 step 5: "Gets the attestation for each key and verifies it: chain to
// a manufacturer root, card serial matches, attested public key matches, PIN
// policy is what was asked." ATTEST (Yubico INS F9) returns a certificate for
// the slot's key signed by the card's F9 key, whose certificate (object
// 5FFF01) chains to the manufacturer root. Until this passes, the bytes are
// `unverified…`.
//
// A failed attestation means the card (or its factory) is not what the stock
// says: a hard failure. The engine wipes the keys it made and rejects the card.
import { issuanceError } from '../codes.js';
import type { IssuanceStep } from '../engine/context.js';
import type { JobKey } from '../engine/job.js';
import { fromB64, toB64 } from '../lib/b64.js';
import { cardRefused } from '../lib/card-refused.js';
import { readAttestationIssuer } from '../lib/read-attestation-issuer.js';

export const verifyAttestation: IssuanceStep = {
  name: 'verify-attestation',
  title: 'Verify the card’s attestation of each key',
  async run(ctx) {
    const unverifiedIssuer = await readAttestationIssuer(ctx.piv);
    if (unverifiedIssuer === undefined) {
      throw issuanceError('attestation_invalid', 'The card has no attestation certificate', { detail: { reason: 'malformed' } });
    }
    const keys: JobKey[] = [];
    for (const k of ctx.data.keys ?? []) {
      const a = await ctx.piv.attest(k.slot as 0x9a);
      if (!a.ok) throw cardRefused(`ATTEST for slot ${k.slot.toString(16)}`, a.reason);
      const outcome = await ctx.timed('ca', () =>
        ctx.deps.attestation.verify(
          a.der,
          unverifiedIssuer,
          { serial: ctx.serial, slot: k.slot, publicKeySpki: fromB64(k.spki), pinPolicy: 'always' },
          ctx.deps.clock.now(),
        ),
      );
      if (!outcome.ok) {
        throw issuanceError('attestation_invalid', `The attestation of slot ${k.slot.toString(16)} did not verify: ${outcome.reason}`, {
          detail: { slot: k.slot, reason: outcome.reason },
        });
      }
      keys.push({ ...k, attestation: toB64(a.der) });
    }
    return { ...ctx.data, keys, attestationIssuer: toB64(unverifiedIssuer) };
  },
};
