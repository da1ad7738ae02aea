// What the citizen sees is what the card signs, signing input v2 (see
// src/auth/signing-input-v2.ts): the terminal rebuilds the canonical view
// from exactly the fields it displays — who asks, the nonce, this terminal,
// the transaction, the consent text and the attributes to release — and
// refuses when the server's domain, canonical text or 32 bytes differ in
// any way. Unlike v1, the consent text, the attributes and the relying
// party's name are covered. The card signs the terminal's own rebuild.
import { timingSafeEqual } from 'node:crypto';
import { challengeSigningInputV2, type ChallengeFields } from '../auth/challenge-signing-input-v2.js';
import { SIGNING_INPUT_V2_DOMAIN } from '../auth/signing-input-v2.js';
import { terminalError } from './codes.js';

export interface ChallengeWithInputV2 extends ChallengeFields {
  readonly signingInput: { readonly domain: string; readonly canonical: string; readonly input: string };
}

export function checkSigningInputV2(challenge: ChallengeWithInputV2, terminalId: string): Buffer {
  if (challenge.signingInput.domain !== SIGNING_INPUT_V2_DOMAIN) {
    throw terminalError('signing_input_mismatch', `The challenge's signing input is not ${SIGNING_INPUT_V2_DOMAIN}; nothing was signed.`);
  }
  if (challenge.terminalId !== terminalId) throw terminalError('signing_input_mismatch', 'The challenge is for another terminal; nothing was signed.');
  const mine = challengeSigningInputV2({ ...challenge, terminalId });
  const theirs = Buffer.from(challenge.signingInput.input, 'hex');
  if (challenge.signingInput.canonical !== mine.canonical || theirs.length !== 32 || !timingSafeEqual(theirs, mine.input)) {
    throw terminalError('signing_input_mismatch', 'The server\'s signing input differs from what is shown; nothing was signed.');
  }
  return mine.input;
}
