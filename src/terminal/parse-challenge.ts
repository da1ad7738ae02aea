// Structure check of a challenge received from the server (untrusted input
// is parsed in order: size bounds, then structure, then trust). Nothing here
// is trusted yet: the signing input is checked against the displayed fields
// by check-signing-input.ts before the card signs anything.
import { z } from 'zod';
import { terminalError } from './codes.js';
import type { TerminalChallenge } from './types.js';

const hex32 = z.string().regex(/^[0-9a-f]{64}$/);

const schema = z.object({
  id: z.string().regex(/^ch_[A-Za-z0-9_-]{1,64}$/),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{43}$/, '32 bytes, base64url'),
  expiresAt: z.string().max(64),
  rpId: z.string().min(1).max(64),
  terminalId: z.string().min(1).max(64),
  transaction: z
    .object({
      amount: z.string().max(32),
      currency: z.string().regex(/^[A-Z]{3}$/),
      payee: z.string().min(1).max(140),
      reference: z.string().min(1).max(140).optional(),
    })
    .nullable(),
  requestedAttributes: z.array(z.string().max(64)).max(32),
  consentText: z.string().max(1000).nullable(),
  signingInput: z.object({
    algorithm: z.literal('SHA-256'),
    domain: z.string().max(64),
    transactionCanonical: z.string().max(2048),
    rpIdSha256: hex32,
    nonceSha256: hex32,
    terminalIdSha256: hex32,
    transactionSha256: hex32,
    input: hex32,
  }),
});

export function parseChallenge(unverified: unknown): TerminalChallenge {
  const r = schema.safeParse(unverified);
  if (!r.success) {
    const where = r.error.issues[0]?.path.join('.') ?? '';
    throw terminalError('challenge_invalid', `The challenge from the server is malformed${where ? ` (${where})` : ''}.`);
  }
  const c = r.data;
  const t = c.transaction;
  return {
    ...c,
    transaction: t === null ? null : { amount: t.amount, currency: t.currency, payee: t.payee, ...(t.reference === undefined ? {} : { reference: t.reference }) },
  };
}
