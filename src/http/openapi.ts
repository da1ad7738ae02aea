// The OpenAPI 3.1 document, generated from the route definitions themselves so
// the document cannot drift from what the server validates.
import { z } from 'zod';
import type { AnyRoute, ResponseSpec } from './route.js';
import { securitySchemes } from './route.js';
import { PROBLEM_CONTENT_TYPE } from './problem.js';

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const s = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  delete s.$schema;
  return s;
}

/** `/v1/x/:id` → `/v1/x/{id}` */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const s = jsonSchema(schema, 'input');
  const props = (s.properties ?? {}) as Record<string, Json>;
  const required = new Set((s.required ?? []) as string[]);
  return Object.entries(props).map(([name, p]) => ({
    name,
    in: where,
    required: where === 'path' ? true : required.has(name),
    ...(typeof p.description === 'string' ? { description: p.description } : {}),
    schema: p,
  }));
}

function response(status: number, spec: ResponseSpec): Json {
  const contentType = spec.contentType ?? (status >= 400 ? PROBLEM_CONTENT_TYPE : 'application/json');
  const out: Json = { description: spec.description };
  if (spec.schema) out.content = { [contentType]: { schema: jsonSchema(spec.schema, 'output') } };
  else if (status >= 400) out.content = { [contentType]: { schema: { $ref: '#/components/schemas/Problem' } } };
  else if (spec.contentType) out.content = { [contentType]: { schema: { type: 'string', format: 'binary' } } };
  if (spec.headers) {
    out.headers = Object.fromEntries(
      Object.entries(spec.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }]),
    );
  }
  return out;
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
  errorCodes: Readonly<Record<string, { status: number; title: string }>>;
  /** Per code: whether a retry can help and the citizen's message (src/composition/error-catalogue.ts). */
  catalogue?: Readonly<Record<string, { retry: string; citizenMessage: { en: string; km: string } }>>;
}

/** The codes the pipeline itself (app.ts) can answer for a route: its body, params and query, and any failure. */
function pipelineCodes(r: AnyRoute): string[] {
  const out = ['internal_error'];
  if (r.body !== undefined || r.rawBody !== undefined) out.push('payload_too_large', 'unsupported_media_type');
  if (r.body !== undefined) out.push('invalid_json', 'invalid_request');
  if (r.params !== undefined || r.query !== undefined) out.push('invalid_request');
  return out;
}

/**
 * Every code an operation can answer: the pipeline's, its scheme's and its
 * own declared ones; a route that declares none gets every registry code of
 * the statuses it declares (`derived`).
 */
export function operationCodes(r: AnyRoute, registry: OpenApiInfo['errorCodes']): { readonly codes: string[]; readonly derived: boolean } {
  const own = r.codes ?? Object.keys(registry).filter((c) => Object.hasOwn(r.responses, registry[c]!.status));
  const codes = [...new Set([...pipelineCodes(r), ...(r.auth?.codes ?? []), ...own])].filter((c) => registry[c] !== undefined).sort();
  return { codes, derived: r.codes === undefined };
}

/** One problem response per status the operation's codes can have, naming those codes (and the declared description first). */
function errorResponses(r: AnyRoute, info: OpenApiInfo): Record<string, Json> {
  const byStatus = new Map<number, string[]>();
  for (const c of operationCodes(r, info.errorCodes).codes) {
    const st = info.errorCodes[c]!.status;
    byStatus.set(st, [...(byStatus.get(st) ?? []), c]);
  }
  const out: Record<string, Json> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const declared = r.responses[status];
    const lead = declared && declared.description !== 'Problem (application/problem+json)' ? `${declared.description}. ` : '';
    out[String(status)] = {
      description: `${lead}Codes: ${codes.map((c) => `\`${c}\``).join(', ')}`,
      content: {
        [PROBLEM_CONTENT_TYPE]: {
          schema: { allOf: [{ $ref: '#/components/schemas/Problem' }, { type: 'object', properties: { code: { type: 'string', enum: codes } } }] },
        },
      },
    };
  }
  return out;
}

export function buildOpenApi(routes: readonly AnyRoute[], info: OpenApiInfo): Json {
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const p = (paths[openApiPath(r.path)] ??= {});
    const op: Json = {
      operationId: r.operationId,
      summary: r.summary,
      tags: [...r.tags],
      ...(r.description ? { description: r.description } : {}),
      parameters: [
        ...parameters(r.params, 'path'),
        ...parameters(r.query, 'query'),
        ...Object.entries(r.requestHeaders ?? {}).map(([name, h]) => ({ name, in: 'header', required: h.required === true, description: h.description, schema: { type: 'string' } })),
      ],
      responses: {
        ...Object.fromEntries(Object.entries(r.responses).map(([s, spec]) => [s, response(Number(s), spec)])),
        ...errorResponses(r, info),
        default: { description: 'Error (problem details with a stable `code`)', content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } } },
      },
    };
    const { codes, derived } = operationCodes(r, info.errorCodes);
    op['x-error-codes'] = codes.map((code) => ({ code, status: info.errorCodes[code]!.status, ...(info.catalogue?.[code] ? { retry: info.catalogue[code]!.retry } : {}) }));
    if (derived) op['x-error-codes-derived'] = true;
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } };
    else if (r.rawBody) op.requestBody = { required: true, content: { [r.rawBody.contentType]: { schema: { type: 'string', format: 'binary' } } } };
    if (r.deprecated) {
      op.deprecated = true;
      op['x-deprecated-since'] = r.deprecated.since.toISOString().slice(0, 10);
      if (r.deprecated.sunset) op['x-sunset'] = r.deprecated.sunset.toISOString().slice(0, 10);
    }
    if (r.auth) op.security = [r.auth.scheme, ...(r.auth.alsoAccepts ?? [])].map((s) => ({ [s]: [] }));
    p[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
    paths,
    ...(info.catalogue ? { 'x-error-catalogue': info.catalogue } : {}),
    components: {
      securitySchemes,
      schemas: {
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details.',
          required: ['type', 'title', 'status', 'code', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            code: { type: 'string', enum: Object.keys(info.errorCodes).sort() },
            detail: { type: 'string' },
          },
        },
      },
    },
  };
}
