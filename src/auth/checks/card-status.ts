// Check 6 — card and certificate status in the registry, failing closed
// (authentication fails closed): registry unreachable → 503 `unavailable`; certificate
// unknown to the registry, or its key's on-card generation not proven by an
// attestation on record → refused; on hold → card_suspended; revoked →
// card_revoked; card not active → refused.
import { authError, AuthFailure } from '../codes.js';
import type { CardStatusRecord } from '../ports.js';
import type { ResponseCheck, Signed } from './context.js';
import { unavailableError } from '../../errors/common-codes.js';

export const cardStatus: ResponseCheck<Signed, { status: CardStatusRecord }> = {
  name: 'card-status',
  whenUnavailable: 'put-back',
  async run(ctx) {
    const card = ctx.card;
    let s;
    try {
      s = await ctx.deps.status.byCertificateSerial(card.certSerialHex);
    } catch (err) {
      throw unavailableError('Card status cannot be checked now; try again shortly.', { cause: String(err) });
    }
    if (!s) throw new AuthFailure('certificate_unknown', `certificate ${card.certSerialHex} is not in the registry`);
    if (s.certStatus === 'revoked' || s.cardStatus === 'revoked') throw authError('card_revoked', 'The card is revoked.');
    if (s.certStatus === 'hold' || s.cardStatus === 'hold') throw authError('card_suspended', 'The card is suspended.');
    if (s.cardStatus !== 'active') throw new AuthFailure('card_not_active', `card ${s.cardSerial} is ${s.cardStatus}`);
    if (!s.attested) throw new AuthFailure('attestation_missing', `no attestation on record for certificate ${card.certSerialHex}`);
    return { status: s };
  },
};
