// What the citizen sees is what the card signs, for a document: the
// terminal refuses text it cannot show as it is (title: one line; summary:
// lines; the relying party's name: one line — the rule of
// src/auth/display-text.ts), then rebuilds the signing input v2 from exactly
// the fields it will show (who asks, the title, the summary, the digest, the
// nonce, this terminal) and refuses when the server's differs in any part:
// the canonical text, or the 32 bytes. Both before the card is touched and
// before the PIN is asked for. The bytes the card then signs are built from
// this rebuild (src/sign/flow/request-signing-input.ts), never from the
// server's copy.
import { timingSafeEqual } from 'node:crypto';
import { displayTextLimits, multiLineTextProblem, singleLineTextProblem, textProblemMessages, type TextProblem } from '../../auth/display-text.js';
import { requestSigningInput, type RequestFields } from '../../sign/flow/request-signing-input.js';
import { terminalError } from '../codes.js';
import type { TerminalSignRequest } from './types.js';

const RP_NAME_MAX = 200;

export function checkSignRequest(req: TerminalSignRequest, terminalId: string): { readonly fields: RequestFields; readonly input: Buffer } {
  const refuse = (field: string, problem: TextProblem) =>
    terminalError('challenge_not_displayable', `The sign request's ${field} ${textProblemMessages[problem]}; this terminal will not show it and nothing was signed.`, {
      detail: { field, reason: problem },
    });
  const text = (field: string, problem: TextProblem | undefined) => {
    if (problem !== undefined) throw refuse(field, problem);
  };
  text('rpName', singleLineTextProblem(req.rpName, RP_NAME_MAX));
  text('title', singleLineTextProblem(req.title, displayTextLimits.payee));
  text('summary', multiLineTextProblem(req.summary, displayTextLimits.consentText));
  if (req.terminalId !== terminalId) {
    throw terminalError('signing_input_mismatch', 'The sign request is for another terminal; nothing was signed.');
  }
  const fields: RequestFields = {
    rpId: req.rpId,
    rpName: req.rpName,
    nonce: req.nonce,
    terminalId,
    title: req.title,
    summary: req.summary,
    documentSha256: req.document.sha256,
  };
  const mine = requestSigningInput(fields);
  const theirs = Buffer.from(req.signingInput.input, 'hex');
  if (req.signingInput.domain !== mine.domain || req.signingInput.canonical !== mine.canonical || theirs.length !== 32 || !timingSafeEqual(theirs, mine.input)) {
    throw terminalError('signing_input_mismatch', 'The server\'s signing input differs from the document shown; nothing was signed.');
  }
  return { fields, input: mine.input };
}

/** "3f9a 12bc 77e0 5521 … 8d09 d1aa": the first eight and last four bytes of the digest, for the citizen to compare. */
export function shortFingerprint(sha256Hex: string): string {
  const groups = (h: string) => h.match(/.{4}/g)!.join(' ');
  return `${groups(sha256Hex.slice(0, 16))} … ${groups(sha256Hex.slice(-8))}`;
}
