// Publication of the national CA at the fixed URLs its certificates name
// (docs/architecture.md, "HTTP": public URLs; RFC 5280 §4.2.2.1 caIssuers and §4.2.1.13 CRL DP
// served as DER, RFC 2585 §3-4 media types; RFC 6960 Appendix A OCSP over
// HTTP: POST application/ocsp-request, GET with the base64 request appended).
// OCSP failures are answered in-band (an OCSP error response, HTTP 200), as
// RFC 6960 clients expect, never as problem+json.
import { z } from 'zod';
import {
  decodeOcspGetPath,
  MAX_OCSP_REQUEST_BYTES,
  ocspErrorResponse,
  type CaCertificate,
  type CrlPublisher,
  type OcspAnswer,
  type OcspResponder,
} from '../../../pki/index.js';
import { defineRoute, type AnyRoute, type RouteResult } from '../route.js';

export interface PkiRouteDeps {
  readonly root: CaCertificate;
  readonly issuing: CaCertificate;
  readonly crl: CrlPublisher;
  readonly ocsp: OcspResponder;
}

const CERT_TYPE = 'application/pkix-cert';
const CRL_TYPE = 'application/pkix-crl';
const OCSP_REQUEST = 'application/ocsp-request';
const OCSP_RESPONSE = 'application/ocsp-response';

function ocspResult(a: OcspAnswer): RouteResult {
  return {
    status: 200,
    contentType: OCSP_RESPONSE,
    body: a.der,
    headers: {
      // RFC 5019 §6.2: cacheable only when no nonce was asked for.
      'Cache-Control': a.maxAgeSeconds > 0 ? `public, max-age=${a.maxAgeSeconds}, no-transform, must-revalidate` : 'no-store',
    },
  };
}

const ocspResponses = {
  200: { description: 'An OCSP response (RFC 6960 §4.2.1); errors are in its responseStatus', contentType: OCSP_RESPONSE },
};

export function pkiRoutes(deps: PkiRouteDeps): AnyRoute[] {
  const certRoute = (path: string, operationId: string, summary: string, cert: CaCertificate): AnyRoute =>
    defineRoute({
      method: 'get',
      path,
      operationId,
      summary,
      tags: ['pki'],
      responses: { 200: { description: 'The certificate, DER', contentType: CERT_TYPE } },
      async handle() {
        return { contentType: CERT_TYPE, body: cert.der, headers: { 'Cache-Control': 'public, max-age=86400' } };
      },
    });

  return [
    certRoute('/pki/root.crt', 'getRootCertificate', 'Root CA certificate', deps.root),
    certRoute('/pki/issuing.crt', 'getIssuingCertificate', 'Issuing CA certificate (the caIssuers URL of card certificates)', deps.issuing),
    defineRoute({
      method: 'get',
      path: '/pki/issuing.crl',
      operationId: 'getIssuingCrl',
      summary: 'Current CRL of the issuing CA (revoked and suspended card certificates)',
      tags: ['pki'],
      responses: { 200: { description: 'The CRL, DER', contentType: CRL_TYPE } },
      async handle() {
        const crl = await deps.crl.current();
        return { contentType: CRL_TYPE, body: crl.der, headers: { 'Cache-Control': `public, max-age=${crl.maxAgeSeconds}` } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/pki/ocsp',
      operationId: 'postOcsp',
      summary: 'OCSP request (RFC 6960) for a card certificate',
      tags: ['pki'],
      rawBody: { contentType: OCSP_REQUEST },
      maxBodyBytes: MAX_OCSP_REQUEST_BYTES,
      responses: ocspResponses,
      async handle({ raw }) {
        return ocspResult(await deps.ocsp.respond(raw ?? Buffer.alloc(0)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/pki/ocsp/*request',
      operationId: 'getOcsp',
      summary: 'OCSP request (RFC 6960 Appendix A.1): base64 of the DER request, URL-encoded, appended to the path',
      tags: ['pki'],
      params: z.object({ request: z.union([z.string(), z.array(z.string())]) }),
      responses: ocspResponses,
      async handle({ params }) {
        // express splits the wildcard at '/', which base64 may contain unencoded.
        const encoded = Array.isArray(params.request) ? params.request.join('/') : params.request;
        let der: Buffer;
        try {
          der = decodeOcspGetPath(encoded);
        } catch {
          return { contentType: OCSP_RESPONSE, body: ocspErrorResponse('malformedRequest'), headers: { 'Cache-Control': 'no-store' } };
        }
        return ocspResult(await deps.ocsp.respond(der));
      },
    }),
  ];
}
