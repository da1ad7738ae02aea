// POST /v1/auth/challenges (flow 2 of docs/architecture.md, first arrow): 32 random bytes
// from the platform CSPRNG, single use, expiring (default from config, never
// above 5 minutes), bound to the RP, the terminal, the transaction and the
// requested attributes with their consent text. Returns everything a terminal
// needs to rebuild — and show — what the card will sign.
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import { authError } from './codes.js';
import { checkAmountFormat } from './amount.js';
import { isCurrencyCode } from './currencies.js';
import { displayTextLimits, multiLineTextProblem, singleLineTextProblem, textProblemMessages, type TextProblem } from './display-text.js';
import type { AuthDeps } from './deps.js';
import { challengeKey, challengeMetaKey, type ChallengeMeta } from './lib/store-keys.js';
import { terminalNextKey } from './lib/terminal-store-keys.js';
import { storeCall } from './lib/store-call.js';
import { SIGNING_INPUT_DOMAIN, preimageParts, recordPreimage, signingInputPreimage, transactionText } from './signing-input.js';
import { MAX_CHALLENGE_TTL_SECONDS, MIN_CHALLENGE_TTL_SECONDS, newChallengeId, type IssuedChallenge, type Transaction } from './wire.js';
import type { ChallengeRecord } from './types.js';
import type { EkycAttribute, RpId, TerminalId } from '../rp/ids.js';
import { rpError } from '../rp/codes.js';

export interface ChallengeRequest {
  readonly terminalId: TerminalId;
  readonly transaction?: { readonly amount: string; readonly currency: string; readonly payee: string; readonly reference?: string } | undefined;
  readonly requestedAttributes?: readonly EkycAttribute[] | undefined;
  readonly consentText?: string | undefined;
  readonly ttlSeconds?: number | undefined;
  /** The result carries the evidence (certificate, signature, preimage, fresh OCSP). */
  readonly evidence?: boolean | undefined;
}

/** The caller's policy as far as challenges are concerned. */
export interface ChallengeCaller {
  readonly rpId: RpId;
  readonly ekycAttributes: readonly EkycAttribute[];
  readonly hasEkycScope: boolean;
}

const invalidRequest = (message: string, options?: { detail?: Record<string, unknown> }) =>
  new AppError('invalid_request', message, 400, options);

const sha256hex = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** The message names the field and the reason, never the text itself. */
function checkShownText(field: string, problem: TextProblem | undefined): void {
  if (problem !== undefined) throw invalidRequest(`${field} ${textProblemMessages[problem]}`, { detail: { field, reason: problem } });
}

export function checkTransaction(t: NonNullable<ChallengeRequest['transaction']>): Transaction {
  if (!isCurrencyCode(t.currency)) throw invalidRequest(`currency ${t.currency.slice(0, 8)} is not an ISO 4217 code`, { detail: { field: 'transaction.currency' } });
  checkAmountFormat(t.amount, t.currency); // one spelling per amount: amount_format otherwise
  // What the terminal shows and the card signs: refused, never repaired (display-text.ts).
  checkShownText('transaction.payee', singleLineTextProblem(t.payee, displayTextLimits.payee));
  if (t.reference !== undefined) checkShownText('transaction.reference', singleLineTextProblem(t.reference, displayTextLimits.reference));
  return { amount: t.amount, currency: t.currency, payee: t.payee, ...(t.reference === undefined ? {} : { reference: t.reference }) };
}

export async function createChallenge(deps: AuthDeps, caller: ChallengeCaller, req: ChallengeRequest): Promise<IssuedChallenge> {
  const ttl = req.ttlSeconds ?? deps.challengeTtlSeconds;
  if (!Number.isInteger(ttl) || ttl < MIN_CHALLENGE_TTL_SECONDS || ttl > MAX_CHALLENGE_TTL_SECONDS) {
    throw invalidRequest(`ttlSeconds must be ${MIN_CHALLENGE_TTL_SECONDS} to ${MAX_CHALLENGE_TTL_SECONDS}`);
  }
  const transaction = req.transaction ? checkTransaction(req.transaction) : null;
  const requested = [...new Set(req.requestedAttributes ?? [])];
  if (requested.length > 0) {
    if (!caller.hasEkycScope) throw rpError('scope_not_allowed', 'This relying party has no ekyc scope.');
    const refused = requested.filter((a) => !caller.ekycAttributes.includes(a));
    if (refused.length > 0) throw authError('attributes_not_allowed', `The policy does not allow: ${refused.join(', ')}.`, { detail: { refused } });
    if (!req.consentText || req.consentText.trim() === '') {
      throw invalidRequest('Requested attributes need the consent text the terminal shows the citizen.', { detail: { field: 'consentText' } });
    }
  }
  if (req.consentText !== undefined) checkShownText('consentText', multiLineTextProblem(req.consentText));
  if (req.evidence === true && deps.evidenceOcsp === undefined) {
    throw invalidRequest('This service does not produce evidence.', { detail: { field: 'evidence' } });
  }
  const nonce = randomBytes(32);
  const id = newChallengeId();
  const now = deps.clock.now().getTime();
  const record: ChallengeRecord = {
    v: 1,
    id,
    rpId: caller.rpId,
    terminalId: req.terminalId,
    nonce: nonce.toString('base64url'),
    transaction,
    requestedAttributes: requested,
    consentText: requested.length > 0 ? req.consentText! : null,
    createdAt: now,
    expiresAt: now + ttl * 1000,
    preimage: signingInputPreimage({ rpId: caller.rpId, nonce, terminalId: req.terminalId, transaction }).toString('base64'),
    ...(req.evidence === true ? { evidence: true as const } : {}),
  };
  const meta: ChallengeMeta = { rpId: caller.rpId, terminalId: req.terminalId, expiresAt: record.expiresAt };
  const outcomeTtl = deps.outcomeTtlSeconds ?? 900;
  await storeCall('create challenge', async () => {
    // All in one round trip. On one Redis connection commands run in the
    // order sent, so the marker is written before the challenge it explains,
    // and the terminal's pointer (its long poll: next-challenge-for-terminal.ts)
    // after the challenge it points to.
    const [, created] = await Promise.all([
      deps.store.set(challengeMetaKey(caller.rpId, id), JSON.stringify(meta), (ttl + outcomeTtl) * 1000),
      deps.store.setIfAbsent(challengeKey(caller.rpId, id), JSON.stringify(record), ttl * 1000),
      deps.store.set(terminalNextKey(caller.rpId, req.terminalId), id, ttl * 1000),
    ]);
    if (!created) throw new Error('challenge id collision'); // 128 random bits: never in practice
  });
  return presentChallenge(record);
}

/**
 * What a terminal needs of a challenge: the bound fields and the signing
 * input with its parts, so it can show the transaction and rebuild the bytes
 * the card signs. Used by POST (creation) and by GET while pending.
 */
export function presentChallenge(record: ChallengeRecord): IssuedChallenge {
  // The parts and the input come from the record's preimage: hashed once, when the challenge was made.
  const preimage = recordPreimage(record);
  const parts = preimageParts(preimage);
  return {
    id: record.id,
    nonce: record.nonce,
    expiresAt: new Date(record.expiresAt).toISOString(),
    rpId: record.rpId,
    terminalId: record.terminalId,
    transaction: record.transaction,
    requestedAttributes: record.requestedAttributes,
    consentText: record.consentText,
    ...(record.evidence === true ? { evidence: true as const } : {}),
    signingInput: {
      algorithm: 'SHA-256',
      domain: SIGNING_INPUT_DOMAIN,
      transactionCanonical: transactionText(record.transaction),
      rpIdSha256: parts.rpId.toString('hex'),
      nonceSha256: parts.nonce.toString('hex'),
      terminalIdSha256: parts.terminalId.toString('hex'),
      transactionSha256: parts.transaction.toString('hex'),
      input: sha256hex(preimage),
    },
  };
}
