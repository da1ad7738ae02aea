// Structure check of a challenge received from the server (untrusted input
// is parsed in order: size bounds, then structure, then trust). Nothing here
// is trusted yet: the signing input is checked against the displayed fields
// by check-signing-input.ts before the card signs anything.
import { challengeWire } from '../auth/wire.js';
import { terminalError } from './codes.js';
import type { IssuedChallenge } from '../auth/wire.js';

export function parseChallenge(unverified: unknown): IssuedChallenge {
  const r = challengeWire.safeParse(unverified);
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
