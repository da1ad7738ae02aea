// What the citizen sees is what the card signs (docs/architecture.md, "The
// signing input"): the terminal rebuilds
//   SHA-256("cardauth/v1" 0x00 || SHA-256(rpId) || SHA-256(nonce)
//            || SHA-256(terminalId) || SHA-256(transaction))
// from the challenge fields it displays (transaction = RFC 8785 canonical
// JSON, or "" without one) and refuses when any part the server sent differs.
// A server (or anyone between) that shows one amount and asks the card to sign
// another is caught here, before the PIN is even asked for.
import { createHash, timingSafeEqual } from 'node:crypto';
import { SIGNING_INPUT_DOMAIN, signingInput, transactionText } from '../auth/signing-input.js';
import { terminalError } from './codes.js';
import type { IssuedChallenge } from '../auth/wire.js';

const sha256hex = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** The 32 bytes to sign, rebuilt from the displayed fields; throws signing_input_mismatch. */
export function checkSigningInput(challenge: IssuedChallenge, expectedTerminalId: string): Uint8Array {
  const mismatch = (part: string) =>
    terminalError('signing_input_mismatch', `The server's signing input differs from what this terminal shows (${part}); nothing was signed.`, {
      detail: { part },
    });
  // A challenge issued for another terminal would be refused by the server
  // after the citizen typed the PIN; say so before.
  if (challenge.terminalId !== expectedTerminalId) throw mismatch('terminalId');
  const nonce = Buffer.from(challenge.nonce, 'base64url');
  if (nonce.length !== 32) throw mismatch('nonce');
  const s = challenge.signingInput;
  const text = transactionText(challenge.transaction);
  const parts: Array<[string, string, string]> = [
    ['domain', s.domain, SIGNING_INPUT_DOMAIN],
    ['transactionCanonical', s.transactionCanonical, text],
    ['rpIdSha256', s.rpIdSha256, sha256hex(challenge.rpId)],
    ['nonceSha256', s.nonceSha256, sha256hex(nonce)],
    ['terminalIdSha256', s.terminalIdSha256, sha256hex(challenge.terminalId)],
    ['transactionSha256', s.transactionSha256, sha256hex(text)],
  ];
  for (const [name, sent, ours] of parts) if (sent !== ours) throw mismatch(name);
  const input = signingInput({ rpId: challenge.rpId, nonce, terminalId: challenge.terminalId, transaction: challenge.transaction });
  const sent = Buffer.from(s.input, 'hex');
  if (sent.length !== input.length || !timingSafeEqual(sent, input)) throw mismatch('input');
  return new Uint8Array(input);
}
