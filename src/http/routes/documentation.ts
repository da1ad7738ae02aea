// GET /openapi.json and GET /docs: the OpenAPI 3.1 document generated from
// the route definitions themselves (every route the service serves, these
// two included), and a readable reference rendered from it on the server.
import type { CodeTable } from '../../errors/app-error.js';
import { renderDocsPage } from '../docs-page.js';
import { buildOpenApi, type OpenApiInfo } from '../openapi.js';
import { API_VERSION } from '../api-version.js';
import { defineRoute, type AnyRoute } from '../route.js';

export interface DocumentationDeps {
  /** Every route of the service, read once on the first request (the list includes these routes). */
  readonly routes: () => readonly AnyRoute[];
  readonly errorCodes: CodeTable;
  /** Per code: retry and the citizen's message (src/composition/error-catalogue.ts). */
  readonly catalogue?: OpenApiInfo['catalogue'];
  readonly info?: { readonly title?: string; readonly version?: string; readonly description?: string };
}

export function documentationRoutes(deps: DocumentationDeps): AnyRoute[] {
  let rendered: { json: string; html: string } | undefined;
  const render = (): { json: string; html: string } => {
    if (rendered === undefined) {
      const doc = buildOpenApi(deps.routes(), {
        title: deps.info?.title ?? 'cardauth',
        version: deps.info?.version ?? API_VERSION,
        description:
          deps.info?.description ??
          'National ID card service: card issuance, certificate authority, and card + PIN authentication for relying parties.',
        errorCodes: deps.errorCodes,
        ...(deps.catalogue === undefined ? {} : { catalogue: deps.catalogue }),
      });
      rendered = { json: JSON.stringify(doc), html: renderDocsPage(doc) };
    }
    return rendered;
  };
  return [
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApi',
      summary: 'This API described as OpenAPI 3.1, generated from the route definitions',
      tags: ['documentation'],
      responses: { 200: { description: 'The OpenAPI document' } },
      async handle() {
        return { json: render().json, headers: { 'Cache-Control': 'public, max-age=300' } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/docs',
      operationId: 'getApiReference',
      summary: 'A readable API reference rendered from the OpenAPI document (no script)',
      tags: ['documentation'],
      responses: { 200: { description: 'HTML', contentType: 'text/html' } },
      async handle() {
        return { body: render().html, contentType: 'text/html', headers: { 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'" } };
      },
    }),
  ];
}
