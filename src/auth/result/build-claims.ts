// Claims of the signed result (docs/architecture.md, "The result"): who (pairwise
// sub), which card and certificate, where (terminal), what (transaction and
// its hash), when, and that the PIN was verified on the card. eKYC
// attributes only when the RP's policy allows them AND the challenge carried
// the consent text the citizen saw; otherwise nothing but the pairwise sub.
// The result expires (`exp`, RFC 7519 §4.1.4) RESULT_LIFETIME_SECONDS after
// it is made: it is the answer to a transaction under way, not a credential,
// so a relying party accepts it only while the transaction is (src/auth/README.md
// lists what a bank checks, in order). Keeping it as evidence afterwards is
// unaffected: the signature still verifies, only its acceptance window is over.
// A sandbox service (test CA and cards) adds `"sandbox": true`, so a result
// made with test material can never pass for evidence.
import type { CardStatusRecord, VerifiedCard } from '../ports.js';
import { preimageParts } from '../signing-input.js';
import type { ChallengeRecord } from '../types.js';
import type { EkycAttribute } from '../../rp/ids.js';
import type { ResultClaims } from '../wire.js';
import type { ResultEvidence } from '../checks/evidence.js';
import { rememberedPairwiseSubject } from './pairwise-subject.js';

/** Default lifetime of a signed result: iat → exp. */
export const RESULT_LIFETIME_SECONDS = 300;
const MAX_RESULT_LIFETIME_SECONDS = 3600;

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
  /** iat → exp in whole seconds, 1 to 3600; RESULT_LIFETIME_SECONDS when not given. */
  readonly lifetimeSeconds?: number;
  /** A sandbox service's result: marked as test material. */
  readonly sandbox?: boolean;
  readonly evidence?: ResultEvidence | undefined;
}): ResultClaims {
  const { challenge: ch, status, card } = input;
  const lifetime = input.lifetimeSeconds ?? RESULT_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_RESULT_LIFETIME_SECONDS) {
    throw new RangeError(`the result lifetime must be 1 to ${MAX_RESULT_LIFETIME_SECONDS} whole seconds`);
  }
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
    exp: t + lifetime,
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
    ...(input.sandbox === true ? { sandbox: true as const } : {}),
    ...(input.evidence === undefined ? {} : { evidence: input.evidence }),
  };
}
