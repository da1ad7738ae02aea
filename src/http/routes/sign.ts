// Document signing with the ID card, for relying parties (see docs/signing.md):
//   POST   /v1/sign/requests                  ask a citizen to sign (a digest or a PDF) at a terminal
//   GET    /v1/sign/requests/{id}             pending | completed (CMS, signed PDF) | failed | expired
//   POST   /v1/sign/requests/{id}/response    the terminal's card certificate (9C) and signature
//   DELETE /v1/sign/requests/{id}             cancel
//   POST   /pki/tsa                           the CA's timestamping authority (RFC 3161)
// Every /v1/sign route is called with the RP's credential (scheme rpKey),
// rate-limited and terminal-bound exactly as the authentication routes
// (./rp.ts); signing needs the RP's `auth` scope. Handlers only translate;
// the rules live in src/sign.
import { z } from 'zod';
import { MAX_TSA_REQUEST_BYTES, type CertificateAuthority } from '../../../pki/index.js';
import { multiLineTextProblem, singleLineTextProblem, textProblemMessages, type TextProblem } from '../../auth/display-text.js';
import { TERMINAL_ID, type TerminalId } from '../../rp/ids.js';
import { AppError } from '../../errors/app-error.js';
import type { Sql } from '../../registry/sql.js';
import type { RpAuthenticator } from '../../rp/authenticate.js';
import { pkiSignerVerifier } from '../../sign/adapters/pki-signer-verifier.js';
import { registrySignStatus } from '../../sign/adapters/registry-sign-status.js';
import { signError } from '../../sign/codes.js';
import { cancelSignRequest } from '../../sign/flow/cancel-sign-request.js';
import { createSignRequest, SIGN_SUMMARY_MAX, SIGN_TITLE_MAX } from '../../sign/flow/create-sign-request.js';
import { MAX_SIGN_REQUEST_TTL_SECONDS, MIN_SIGN_REQUEST_TTL_SECONDS, type SignDeps } from '../../sign/flow/deps.js';
import { getSignRequestState } from '../../sign/flow/get-sign-request-state.js';
import { submitSignature } from '../../sign/flow/submit-signature.js';
import { SIGN_REQUEST_ID, type SignRequestId } from '../../sign/flow/types.js';
import { MAX_PDF_BYTES } from '../../sign/pdf/limits.js';
import type { EphemeralStore } from '../../store/ephemeral.js';
import { systemClock, type Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { defineRoute, type AnyRoute } from '../route.js';
import { admitTerminal, consumeAdmission, requireScope, requireTerminal } from '../../rp/admission.js';
import { problemResponse } from '../route.js';
import { rpRouteAuth, type RpAuthDeps } from './rp.js';

export interface SignRouteDeps extends RpAuthDeps {
  readonly sign: SignDeps;
  /** The CA's timestamping authority for /pki/tsa (absent: 503 tsa_not_configured). */
  readonly tsa?: CertificateAuthority['tsa'];
}

const terminalId = z.string().regex(TERMINAL_ID, '1-64 of A-Z a-z 0-9 . _ : -');
const shownText = (max: number, problemOf: (s: string) => TextProblem | undefined) =>
  z
    .string()
    .min(1)
    .max(max)
    .superRefine((s, ctx) => {
      const problem = problemOf(s);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: textProblemMessages[problem], params: { reason: problem } });
    });

/**
 * base64 of MAX_PDF_BYTES, plus 64 KiB of slack so a PDF somewhat over the
 * limit is told pdf_too_large; a body larger still is payload_too_large.
 * Both are 413.
 */
const MAX_PDF_BASE64 = Math.ceil(MAX_PDF_BYTES / 3) * 4 + 64 * 1024;

const requestBody = z.strictObject({
  terminalId,
  title: shownText(SIGN_TITLE_MAX, (s) => singleLineTextProblem(s, SIGN_TITLE_MAX)).describe('The document\'s title, shown to the citizen on one line and signed (content-hints; /Reason of a PDF)'),
  summary: shownText(SIGN_SUMMARY_MAX, (s) => multiLineTextProblem(s, SIGN_SUMMARY_MAX)).describe('What the citizen approves, shown as lines (LF) under the title and bound to the signature'),
  document: z
    .union([
      z.strictObject({ sha256: z.string().max(256).describe('SHA-256 of the document, 64 lower-case hex digits: a detached CAdES signature comes back') }),
      z.strictObject({ pdf: z.string().max(MAX_PDF_BASE64).describe(`The PDF, standard base64, at most ${MAX_PDF_BYTES} bytes, with a cross-reference table, not encrypted, no form: a signed PDF (PAdES) comes back`) }),
    ])
    .describe('Exactly one of sha256 and pdf'),
  ttlSeconds: z.number().int().min(MIN_SIGN_REQUEST_TTL_SECONDS).max(MAX_SIGN_REQUEST_TTL_SECONDS).optional(),
});

const presentedSchema = z.object({
  id: z.string(),
  nonce: z.string().describe('base64url of 32 random bytes'),
  expiresAt: z.string(),
  rpId: z.string(),
  rpName: z.string(),
  terminalId: z.string(),
  title: z.string(),
  summary: z.string(),
  container: z.enum(['cades', 'pades']),
  document: z.object({ sha256: z.string().describe('hex: the digest the signature covers (for a PDF: of its signed byte ranges)'), pdfSha256: z.string().optional().describe('hex SHA-256 of the PDF as sent') }),
  signingTime: z.string(),
  signingInput: z.object({
    domain: z.literal('cardauth/v2'),
    canonical: z.string().describe('RFC 8785 JSON of what the terminal shows'),
    input: z.string().describe('hex SHA-256("cardauth/v2" 0x00 canonical): the CMS content-identifier'),
  }),
});

const resultSchema = z.object({
  cms: z.string().describe('base64 DER CMS (CAdES, detached); for a PDF the CMS inside it'),
  pdf: z.string().optional().describe('base64 of the signed PDF (PAdES)'),
  level: z.enum(['B-B', 'B-T']),
  timestampedAt: z.string().optional(),
  documentSha256: z.string(),
  signer: z.object({ subject: z.string(), serialNumber: z.string().nullable(), certSerial: z.string(), certSha256: z.string(), cardSerial: z.string() }),
});

const stateSchema = z.object({
  status: z.enum(['pending', 'completed', 'failed', 'expired']),
  expiresAt: z.string().optional(),
  code: z.string().optional(),
  request: presentedSchema.optional().describe('While pending: the request as POST returned it, for a terminal given only the id'),
  ...resultSchema.partial().shape,
});

const idParams = z.strictObject({ id: z.string().regex(SIGN_REQUEST_ID, 'a sign request id (sr_…)') });

const responseBody = z.strictObject({
  terminalId,
  certificate: z.string().min(1).max(8192).describe('base64 DER of the card\'s 9C (signature) certificate'),
  signature: z.string().min(1).max(128).describe('base64 DER ECDSA-Sig-Value over SHA-256 of the signed attributes'),
});

const refusals = { 401: problemResponse, 403: problemResponse, 429: problemResponse, 503: problemResponse };

function strictBase64(s: string, field: string): Buffer {
  const b = Buffer.from(s, 'base64');
  if (b.toString('base64') !== s) throw new AppError('invalid_request', `${field} must be standard base64.`, 400, { detail: { field } });
  return b;
}

export function signRoutes(deps: SignRouteDeps): AnyRoute[] {
  const auth = rpRouteAuth(deps);
  const authWithTerminal = rpRouteAuth(deps, { rateLimit: 'with-terminal' });
  return [
    defineRoute({
      method: 'post',
      path: '/v1/sign/requests',
      operationId: 'createSignRequest',
      summary: 'Ask a citizen to sign a document (its SHA-256, or a PDF) with the ID card at a terminal',
      tags: ['signing'],
      auth: authWithTerminal,
      body: requestBody,
      maxBodyBytes: MAX_PDF_BASE64 + 8192,
      responses: { 201: { description: 'The request and what the terminal will show and sign', schema: presentedSchema }, 400: problemResponse, 413: problemResponse, 422: problemResponse, ...refusals },
      async handle({ body, principal }) {
        requireScope(principal, 'auth');
        await admitTerminal(deps.store, principal, body.terminalId as TerminalId);
        let document: { sha256: string } | { pdf: Buffer };
        if ('pdf' in body.document) {
          const pdf = strictBase64(body.document.pdf, 'document.pdf');
          if (pdf.length > MAX_PDF_BYTES) throw signError('pdf_too_large', `A PDF to sign may have at most ${MAX_PDF_BYTES} bytes.`, { detail: { maxBytes: MAX_PDF_BYTES } });
          document = { pdf };
        } else {
          document = { sha256: body.document.sha256 };
        }
        const r = await createSignRequest(
          deps.sign,
          { rpId: principal.rp.id, rpName: principal.rp.name },
          { terminalId: body.terminalId as TerminalId, title: body.title, summary: body.summary, document, ttlSeconds: body.ttlSeconds },
        );
        return { status: 201, body: r, headers: { Location: `/v1/sign/requests/${r.id}` } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/sign/requests/:id/response',
      operationId: 'submitSignResponse',
      summary: 'Submit the card\'s signature certificate (9C) and signature; returns the signed containers',
      description: 'The request is consumed atomically first: of concurrent submissions exactly one can succeed. Unverifiable signatures all answer `signing_failed`.',
      tags: ['signing'],
      auth: authWithTerminal,
      params: idParams,
      body: responseBody,
      maxBodyBytes: 8192,
      responses: { 200: { description: 'Signed: the CMS (and the signed PDF)', schema: resultSchema }, 400: problemResponse, 404: problemResponse, 409: problemResponse, 410: problemResponse, 413: problemResponse, ...refusals },
      async handle({ body, params, principal }) {
        const terminal = body.terminalId as TerminalId;
        requireTerminal(principal, terminal);
        const result = await submitSignature(
          deps.sign,
          { rpId: principal.rp.id, terminal: principal.terminal, admission: consumeAdmission(principal, terminal) },
          params.id as SignRequestId,
          { certificate: body.certificate, signature: body.signature, terminalId: terminal },
        );
        return { body: result };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/sign/requests/:id',
      operationId: 'getSignRequest',
      summary: 'State of a sign request: pending, completed (with the signed containers), failed (with the code) or expired',
      tags: ['signing'],
      auth,
      params: idParams,
      responses: { 200: { description: 'The state', schema: stateSchema }, 404: problemResponse, ...refusals },
      async handle({ params, principal }) {
        return { body: await getSignRequestState(deps.sign, principal.rp.id, params.id as SignRequestId, principal.terminal) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/sign/requests/:id',
      operationId: 'cancelSignRequest',
      summary: 'Cancel a pending sign request',
      tags: ['signing'],
      auth,
      params: idParams,
      responses: { 204: { description: 'Cancelled' }, 404: problemResponse, 409: problemResponse, 410: problemResponse, ...refusals },
      async handle({ params, principal }) {
        await cancelSignRequest(deps.sign, principal.rp.id, params.id as SignRequestId, principal.terminal);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/pki/tsa',
      operationId: 'postTimestamp',
      summary: 'Timestamp request (RFC 3161) to the national CA\'s timestamping authority',
      tags: ['pki'],
      rawBody: { contentType: 'application/timestamp-query' },
      maxBodyBytes: MAX_TSA_REQUEST_BYTES,
      responses: { 200: { description: 'A TimeStampResp (RFC 3161 §2.4.2); refusals are in its status', contentType: 'application/timestamp-reply' }, 503: problemResponse },
      async handle({ raw }) {
        if (!deps.tsa) throw new AppError('tsa_not_configured', 'This CA has no timestamping authority.', 503);
        const a = await deps.tsa.respond(raw ?? Buffer.alloc(0));
        return { contentType: 'application/timestamp-reply', body: a.der, headers: { 'Cache-Control': 'no-store' } };
      },
    }),
  ];
}

/**
 * The signing routes from the real pieces: the CA (verifier roots, issuing
 * certificate for the chain, TSA), the registry (9C card status), the
 * ephemeral store and the RP authenticator the authentication routes use.
 * For the composition root.
 */
export function createSignRouteSet(opts: {
  readonly sql: Sql;
  readonly store: EphemeralStore;
  readonly ca: CertificateAuthority;
  readonly authenticator: RpAuthenticator;
  readonly requestTtlSeconds: number;
  readonly log: Logger;
  readonly clock?: Clock;
}): { routes: AnyRoute[]; deps: SignDeps } {
  const deps: SignDeps = {
    store: opts.store,
    verifier: pkiSignerVerifier({ root: opts.ca.root, issuing: opts.ca.issuing }),
    status: registrySignStatus(opts.sql),
    timestamper: opts.ca.tsa,
    chain: [opts.ca.issuing.der],
    clock: opts.clock ?? systemClock,
    log: opts.log,
    requestTtlSeconds: opts.requestTtlSeconds,
  };
  return { routes: signRoutes({ sign: deps, authenticator: opts.authenticator, store: opts.store, tsa: opts.ca.tsa }), deps };
}
