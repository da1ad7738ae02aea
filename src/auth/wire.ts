// The wire types of card + PIN authentication, each defined once: the
// challenge a terminal receives, the card's response, the signed result's
// claims and a challenge's state. The HTTP routes validate with these schemas
// and generate OpenAPI from them; the terminal parses the server's answers
// with the same ones; the TypeScript types are derived from them.
//
// Answers (challenge, claims, state) are plain objects: a reader ignores
// fields it does not know. Requests are strict and add the rules for text a
// citizen is shown (display-text.ts), refused with every issue listed.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ekycAttributes, terminalIdSchema } from '../rp/ids.js';
import { amountRule, amountSchemaRules, ANY_AMOUNT_PATTERN, refineAmount } from './amount.js';
import { currencyMinorUnits } from './currencies.js';
import { progressHintWire } from './progress-hint-codes.js';
import { consentTextRule, displayTextLimits, multiLineTextProblem, singleLineTextProblem, singleLineTextRule, textProblemMessages, type TextProblem } from './display-text.js';

export const CHALLENGE_ID = /^ch_[A-Za-z0-9_-]{22}$/;
export const challengeIdSchema = z.string().regex(CHALLENGE_ID, 'a challenge id (ch_…)').brand<'ChallengeId'>();
export type ChallengeId = z.infer<typeof challengeIdSchema>;
export const isChallengeId = (s: string): s is ChallengeId => CHALLENGE_ID.test(s);

/** How long a challenge may live (s): requests may ask for less than the configured default, never above MAX. */
export const MIN_CHALLENGE_TTL_SECONDS = 10;
export const MAX_CHALLENGE_TTL_SECONDS = 300;

/** A new challenge id: 16 random bytes from the platform CSPRNG. */
export function newChallengeId(): ChallengeId {
  return `ch_${randomBytes(16).toString('base64url')}` as ChallengeId;
}

const hex32 = z.string().regex(/^[0-9a-f]{64}$/, '32 bytes, hex');
const currencyCodes = Object.keys(currencyMinorUnits) as [keyof typeof currencyMinorUnits, ...(keyof typeof currencyMinorUnits)[]];

/** What the citizen sees on the terminal and the card's signature covers. */
export const transactionWire = z.object({
  amount: z.string().max(32).meta({ pattern: ANY_AMOUNT_PATTERN }).describe(amountRule),
  currency: z.enum(currencyCodes).describe('ISO 4217 alphabetic code (list one as of 2026-01-01, spendable currencies; src/auth/currencies.ts)'),
  payee: z.string().min(1).max(displayTextLimits.payee).describe('Who is paid, as the citizen reads it'),
  reference: z.string().min(1).max(displayTextLimits.reference).optional().describe('The payment\'s reference, shown to the citizen'),
});
export type Transaction = z.infer<typeof transactionWire>;

/** The challenge as POST /v1/auth/challenges returns it and a terminal receives it. */
export const challengeWire = z.object({
  id: challengeIdSchema,
  nonce: z.string().regex(/^[A-Za-z0-9_-]{43}$/, '32 bytes, base64url').describe('base64url of 32 random bytes'),
  expiresAt: z.string().max(64),
  rpId: z.string().min(1).max(64),
  terminalId: z.string().min(1).max(64),
  transaction: transactionWire.nullable(),
  requestedAttributes: z.array(z.string().max(64)).max(32).readonly(),
  consentText: z.string().max(displayTextLimits.consentText).nullable(),
  evidence: z.literal(true).optional().describe('Present when the result will carry the evidence (`evidence` claim)'),
  signingInput: z.object({
    algorithm: z.literal('SHA-256'),
    domain: z.string().max(64),
    transactionCanonical: z.string().max(2048).describe('The canonical transaction text that is hashed ("" without a transaction)'),
    rpIdSha256: hex32,
    nonceSha256: hex32,
    terminalIdSha256: hex32,
    transactionSha256: hex32,
    input: hex32.describe('hex of the 32 bytes the card signs'),
  }),
});
export type IssuedChallenge = z.infer<typeof challengeWire>;

/** The `evidence` claim: what lets a relying party prove later, without trusting cardauth, that the card signed this transaction. */
export const resultEvidenceWire = z.object({
  cert: z.string().describe('base64 DER of the card\'s authentication certificate'),
  sig: z.string().describe('base64 DER ECDSA-Sig-Value the card made over SHA-256(signing_input_preimage)'),
  signing_input_preimage: z.string().describe('base64 of the signing input\'s preimage ("cardauth/v1" 0x00 and the four SHA-256 parts); its SHA-256 is what the card signed'),
  ocsp: z.string().describe('base64 DER OCSPResponse (RFC 6960) for the certificate from the service\'s responder, its nonce the 32-byte signing input'),
});

/** Claims of the signed result (the JWS payload). */
export const resultClaimsWire = z.object({
  iss: z.string(),
  aud: z.string(),
  sub: z.string(),
  iat: z.number().int(),
  exp: z.number().int().describe('iat + 300 s: refuse the result after it (RFC 7519 §4.1.4)'),
  auth_time: z.number().int(),
  jti: z.string(),
  card_serial: z.string().nullable(),
  cert_serial: z.string(),
  cert_sha256: z.string(),
  terminal_id: z.string(),
  txn_hash: z.string().nullable().describe('hex SHA-256 of the canonical transaction JSON, or null without one'),
  txn: transactionWire.nullable(),
  pinVerified: z.literal('on-card'),
  tries_left: z.number().int().optional().describe('PIN tries left as the terminal reported them after VERIFY: informative, not verified by the service'),
  attributes: z.partialRecord(z.enum(ekycAttributes), z.string()).optional(),
  sandbox: z.literal(true).optional().describe('Only in results of a sandbox service (test CA and cards): never evidence'),
  evidence: resultEvidenceWire.optional().describe('Only for challenges created with `evidence: true`'),
});
export type ResultClaims = z.infer<typeof resultClaimsWire>;

export const authResultWire = z.object({ result: z.string().describe('compact JWS, ES256, header {alg, kid, typ: "cardauth-result+jwt"}'), claims: resultClaimsWire });

export const challengeStateWire = z.object({
  status: z.enum(['pending', 'completed', 'failed', 'expired']),
  expiresAt: z.string().optional(),
  code: z.string().optional(),
  result: z.string().optional(),
  claims: resultClaimsWire.optional(),
  challenge: challengeWire.optional().describe('While pending: the challenge as POST returned it, for a terminal given only the id'),
  hint: progressHintWire.optional(),
});

// Text the terminal shows the citizen: refused here with every issue listed,
// and again by createChallenge for callers that do not come through HTTP.
const shownText = (max: number, problemOf: (s: string) => TextProblem | undefined) =>
  z
    .string()
    .min(1)
    .max(max)
    .superRefine((s, ctx) => {
      const problem = problemOf(s);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: textProblemMessages[problem], params: { reason: problem } });
    });
const shownLine = (max: number) => shownText(max, (s) => singleLineTextProblem(s, max));

/** The body of POST /v1/auth/challenges. */
export const challengeRequestWire = z.strictObject({
  terminalId: terminalIdSchema,
  transaction: z
    .strictObject({
      ...transactionWire.shape,
      payee: shownLine(displayTextLimits.payee).describe(`Who is paid, as the citizen reads it. ${singleLineTextRule}`),
      reference: shownLine(displayTextLimits.reference).optional().describe(`The payment's reference, shown to the citizen. ${singleLineTextRule}`),
    })
    // One spelling per amount (amount.ts): answered `amount_format`, stated per currency in the OpenAPI document.
    .superRefine(refineAmount)
    .meta(amountSchemaRules())
    .optional(),
  requestedAttributes: z.array(z.enum(ekycAttributes)).max(ekycAttributes.length).optional(),
  consentText: shownText(displayTextLimits.consentText, (s) => multiLineTextProblem(s)).optional().describe(consentTextRule),
  ttlSeconds: z.number().int().min(MIN_CHALLENGE_TTL_SECONDS).max(MAX_CHALLENGE_TTL_SECONDS).optional(),
  evidence: z
    .boolean()
    .optional()
    .describe('When true the signed result carries the evidence claim: the card\'s certificate and signature, the signing input\'s preimage and a fresh OCSP response for the certificate'),
});

/** The body of POST /v1/auth/challenges/{id}/response: what the terminal read from the card. Nothing in it is trusted yet. */
export const cardResponseWire = z.strictObject({
  terminalId: terminalIdSchema,
  certificate: z.string().min(1).max(8192).describe('base64 DER of the card\'s 9A certificate'),
  signature: z.string().min(1).max(128).describe('base64 DER ECDSA-Sig-Value over the signing input'),
  triesLeft: z.number().int().min(0).max(15).optional(),
});
export type UnverifiedResponse = z.infer<typeof cardResponseWire>;
