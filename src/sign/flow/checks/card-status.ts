// Check 6 — the card and its signature certificate in the registry, failing
// closed: registry unreachable → 503 unavailable; certificate unknown, or no
// attestation on record for the key → refused (signing_failed); on hold →
// card_suspended; revoked → card_revoked; card not active → refused.
import { authError } from '../../../auth/codes.js';
import { SigningFailure } from '../../codes.js';
import { need, type SignCheck } from './context.js';
import { unavailableError } from '../../../errors/common-codes.js';

export const cardStatus: SignCheck = {
  name: 'card-status',
  async run(ctx) {
    const signer = need(ctx.signer, 'verified certificate');
    let s;
    try {
      s = await ctx.deps.status.byCertificateSerial(signer.certSerialHex);
    } catch (err) {
      throw unavailableError('Card status cannot be checked now; try again shortly.', { cause: String(err) });
    }
    if (!s) throw new SigningFailure('certificate_unknown', `signature certificate ${signer.certSerialHex} is not in the registry`);
    if (s.certStatus === 'revoked' || s.cardStatus === 'revoked') throw authError('card_revoked', 'The card is revoked.');
    if (s.certStatus === 'hold' || s.cardStatus === 'hold') throw authError('card_suspended', 'The card is suspended.');
    if (s.cardStatus !== 'active') throw new SigningFailure('card_not_active', `card ${s.cardSerial} is ${s.cardStatus}`);
    if (!s.attested) throw new SigningFailure('attestation_missing', `no attestation on record for signature certificate ${signer.certSerialHex}`);
    ctx.status = s;
  },
};
