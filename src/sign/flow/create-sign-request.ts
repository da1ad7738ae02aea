// POST /v1/sign/requests: a relying party asks a citizen to sign a document
// at one of its terminals. Mirrors an authentication challenge
// (src/auth/create-challenge.ts): 32 random bytes, single use, expiring,
// bound to the RP, the terminal and what is shown — here the title, the
// summary and the document's digest. The document is the RP's SHA-256 digest
// (a detached CAdES signature comes back), or the PDF itself (prepared here
// for a PAdES signature; the digest is then that of its signed byte ranges).
// Nothing of the document but its digest is logged; a PDF waits in the
// ephemeral store only until the card has signed or the request has expired.
import { createHash, randomBytes } from 'node:crypto';
import { displayTextLimits, multiLineTextProblem, singleLineTextProblem, textProblemMessages, type TextProblem } from '../../auth/display-text.js';
import { storeCall } from '../../auth/lib/store-call.js';
import type { RpId, TerminalId } from '../../rp/ids.js';
import { AppError } from '../../errors/app-error.js';
import { signError } from '../codes.js';
import { preparePdf } from '../pdf/prepare-pdf.js';
import { DEFAULT_SIGN_OUTCOME_TTL_SECONDS, MAX_SIGN_REQUEST_TTL_SECONDS, MIN_SIGN_REQUEST_TTL_SECONDS, type SignDeps } from './deps.js';
import { presentSignRequest } from './present-sign-request.js';
import { documentKey, requestKey, requestMetaKey, type RequestMeta } from './store-keys.js';
import type { PresentedSignRequest, SignRequestId, SignRequestRecord } from './types.js';

/** Shown on one line above the summary, like a payee. */
export const SIGN_TITLE_MAX = displayTextLimits.payee;
/** Shown as lines, like a consent text. */
export const SIGN_SUMMARY_MAX = displayTextLimits.consentText;

export interface SignRequestInput {
  readonly terminalId: TerminalId;
  readonly title: string;
  readonly summary: string;
  readonly document: { readonly sha256: string } | { readonly pdf: Buffer };
  readonly ttlSeconds?: number | undefined;
}

export interface SignRequestCaller {
  readonly rpId: RpId;
  readonly rpName: string;
}

const invalid = (message: string, detail: Record<string, unknown>) => new AppError('invalid_request', message, 400, { detail });

function checkShown(field: string, problem: TextProblem | undefined): void {
  if (problem !== undefined) throw invalid(`${field} ${textProblemMessages[problem]}`, { field, reason: problem });
}

export async function createSignRequest(deps: SignDeps, caller: SignRequestCaller, req: SignRequestInput): Promise<PresentedSignRequest> {
  const ttl = req.ttlSeconds ?? deps.requestTtlSeconds;
  if (!Number.isInteger(ttl) || ttl < MIN_SIGN_REQUEST_TTL_SECONDS || ttl > MAX_SIGN_REQUEST_TTL_SECONDS) {
    throw invalid(`ttlSeconds must be ${MIN_SIGN_REQUEST_TTL_SECONDS} to ${MAX_SIGN_REQUEST_TTL_SECONDS}`, { field: 'ttlSeconds' });
  }
  // What the terminal shows: refused, never repaired (src/auth/display-text.ts).
  checkShown('title', singleLineTextProblem(req.title, SIGN_TITLE_MAX));
  checkShown('summary', multiLineTextProblem(req.summary, SIGN_SUMMARY_MAX));
  const now = deps.clock.now().getTime();
  const signingTime = Math.floor(now / 1000) * 1000;
  let documentSha256: string;
  let prepared: Buffer | undefined;
  let pdfSha256: string | undefined;
  if ('sha256' in req.document) {
    if (!/^[0-9a-f]{64}$/.test(req.document.sha256)) throw signError('sign_digest_invalid', 'document.sha256 must be the 32-byte SHA-256 of the document, as 64 lower-case hex digits.');
    documentSha256 = req.document.sha256;
  } else {
    const p = await preparePdf(req.document.pdf, { signingTime: new Date(signingTime), title: req.title });
    prepared = p.pdf;
    documentSha256 = p.byteRangeDigest.toString('hex');
    pdfSha256 = createHash('sha256').update(req.document.pdf).digest('hex');
  }
  const id = `sr_${randomBytes(16).toString('base64url')}` as SignRequestId;
  const record: SignRequestRecord = {
    v: 1,
    id,
    rpId: caller.rpId,
    rpName: caller.rpName,
    terminalId: req.terminalId,
    nonce: randomBytes(32).toString('base64url'),
    title: req.title,
    summary: req.summary,
    container: prepared ? 'pades' : 'cades',
    documentSha256,
    ...(pdfSha256 ? { pdfSha256 } : {}),
    signingTime,
    createdAt: now,
    expiresAt: now + ttl * 1000,
  };
  const meta: RequestMeta = { rpId: caller.rpId, terminalId: req.terminalId, expiresAt: record.expiresAt };
  const outcomeTtl = deps.outcomeTtlSeconds ?? DEFAULT_SIGN_OUTCOME_TTL_SECONDS;
  await storeCall('create sign request', async () => {
    // The document first, then the marker, then the request that needs them
    // (on one Redis connection commands run in the order sent).
    const [, , created] = await Promise.all([
      prepared ? deps.store.set(documentKey(caller.rpId, id), prepared.toString('base64'), (ttl + 60) * 1000) : undefined,
      deps.store.set(requestMetaKey(caller.rpId, id), JSON.stringify(meta), (ttl + outcomeTtl) * 1000),
      deps.store.setIfAbsent(requestKey(caller.rpId, id), JSON.stringify(record), ttl * 1000),
    ]);
    if (!created) throw new Error('sign request id collision'); // 128 random bits: never in practice
  });
  deps.log.info('sign request created', { request: id, rp: caller.rpId, terminal: req.terminalId, container: record.container, documentSha256, ...(pdfSha256 ? { pdfSha256 } : {}) });
  return presentSignRequest(record);
}
