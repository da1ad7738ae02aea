// Claims of the signed result (docs/architecture.md, "The result"): who (pairwise
// sub), which card and certificate, where (terminal), what (transaction and
// its hash), when, and that the PIN was verified on the card. eKYC
// attributes only when the RP's policy allows them AND the challenge carried
// the consent text the citizen saw; otherwise nothing but the pairwise sub.
import type { CardStatusRecord, VerifiedCard } from '../ports.js';
import { preimageParts } from '../signing-input.js';
import type { ChallengeRecord } from '../types.js';
import type { EkycAttribute } from '../../rp/ids.js';
import type { ResultClaims } from '../wire.js';
import type { ResultEvidence } from '../checks/evidence.js';
import { rememberedPairwiseSubject } from './pairwise-subject.js';

export function buildClaims(input: {
  readonly issuer: string;
  readonly subjectPepper: Buffer;
  readonly challenge: ChallengeRecord;
  /** The signing input's preimage (its last 32 bytes are the transaction's SHA-256). */
  readonly preimage: Buffer;
  readonly card: VerifiedCard;
  readonly status: CardStatusRecord;
  readonly allowedAttributes: readonly EkycAttribute[];
  readonly triesLeft: number | undefined;
  readonly now: Date;
  /** Seconds from iat to exp: how long the service keeps the outcome. */
  readonly lifetimeSeconds: number;
  readonly evidence?: ResultEvidence | undefined;
}): ResultClaims {
  const { challenge: ch, status, card } = input;
  const t = Math.floor(input.now.getTime() / 1000);
  const c = status.citizen;
  let attributes: Partial<Record<EkycAttribute, string>> | undefined;
  if (ch.consentText !== null && ch.requestedAttributes.length > 0) {
    const values: Record<EkycAttribute, string> = {
      givenName: c.givenName,
      surname: c.surname,
      birthDate: c.birthDate,
      nationalId: c.nationalId,
      country: c.country,
    };
    attributes = {};
    for (const a of ch.requestedAttributes) if (input.allowedAttributes.includes(a)) attributes[a] = values[a];
  }
  return {
    iss: input.issuer,
    aud: ch.rpId,
    sub: rememberedPairwiseSubject(input.subjectPepper, ch.rpId, c.nationalId),
    iat: t,
    exp: t + input.lifetimeSeconds,
    auth_time: t,
    jti: ch.id,
    card_serial: String(status.cardSerial),
    cert_serial: card.certSerialHex,
    cert_sha256: card.certSha256,
    terminal_id: ch.terminalId,
    txn_hash: ch.transaction === null ? null : preimageParts(input.preimage).transaction.toString('hex'),
    txn: ch.transaction,
    pinVerified: 'on-card',
    ...(input.triesLeft === undefined ? {} : { tries_left: input.triesLeft }),
    ...(attributes === undefined ? {} : { attributes }),
    ...(input.evidence === undefined ? {} : { evidence: input.evidence }),
  };
}
