// One route = one definition: method, path, zod schemas for what comes in and
// what goes out, and the handler. The app mounts these definitions and the
// OpenAPI 3.1 document is generated from the same objects (a rule of docs/architecture.md:
// "One schema per HTTP route; the OpenAPI 3.1 document is generated from them").
//
// Route modules export a factory `(deps) => RouteDef[]` so the composition
// root decides what each route talks to.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  readonly description: string;
  /** JSON body schema; omit for an empty body or a non-JSON content type. */
  readonly schema?: z.ZodType;
  /** Defaults to application/json (application/problem+json for status ≥ 400). */
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** How a caller proves who it is; the scheme names an OpenAPI security scheme. */
export interface RouteAuth<A> {
  readonly scheme: SecurityScheme;
  /** The error codes the scheme itself can answer (listed on every operation that uses it). */
  readonly codes?: readonly string[];
  /** Further schemes this authentication accepts instead (OpenAPI lists them as alternatives). */
  readonly alsoAccepts?: readonly SecurityScheme[];
  /** Resolve the principal or throw an AppError (401/403/429/503); may set headers on `res`. */
  authenticate(req: IncomingMessage, res: ServerResponse): Promise<A>;
  /**
   * A request this scheme authenticated is being refused with `err` (bad
   * body, bad params, a refusal in the handler). Returns what to answer
   * instead — `err` itself, or e.g. a 429 when counting the refused request
   * put the caller over its limit — and may set headers. Never throws.
   * Lets a scheme count refused requests without costing the accepted ones.
   */
  refused?(principal: A, req: IncomingMessage, res: ServerResponse, err: unknown): Promise<unknown>;
  /** The route answered this authenticated caller successfully; the scheme may add headers before the answer is written. */
  answered?(principal: A, res: ServerResponse): void;
}

/** A problem answer in a route's `responses` (application/problem+json). */
export const problemResponse = { description: 'Problem (application/problem+json)' } as const;

export const securitySchemes = {
  rpKey: {
    type: 'http',
    scheme: 'bearer',
    description: 'Relying-party API credential: `Authorization: Bearer <keyId>.<secret>`.',
  },
  rpClientAssertion: {
    type: 'http',
    scheme: 'Client-Assertion',
    bearerFormat: 'JWT',
    description:
      'Relying-party signed client assertion (private_key_jwt, RFC 7523 §2.2): `Authorization: Client-Assertion <JWT>`, a fresh JWT per call signed ES256 with a key registered to the RP (header `kid`); claims iss = sub = the RP id, aud = the service\'s issuer, jti (single use), iat, exp at most 5 minutes after iat.',
  },
  staffSession: {
    type: 'http',
    scheme: 'bearer',
    description: 'Staff session token from POST /v1/staff/login.',
  },
  stationKey: {
    type: 'http',
    scheme: 'bearer',
    description: 'Issuance station key (`<station id>.<secret>`, from POST /v1/stations), on the station connection only.',
  },
  staffCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'cardauth_session',
    description:
      'The staff console\'s session: POST /v1/staff/login with `"session": "cookie"` sets this HttpOnly, SameSite=Strict cookie (Secure over TLS) and answers a CSRF token; every request but GET and HEAD authenticated by the cookie must send it as `X-CSRF-Token` from the same origin (else 403 staff_csrf_failed).',
  },
} as const;
export type SecurityScheme = keyof typeof securitySchemes;

export interface RouteInput<B, P, Q, A> {
  readonly body: B;
  readonly params: P;
  readonly query: Q;
  readonly principal: A;
  /** The raw request body, for routes that declare `rawBody`. */
  readonly raw: Buffer | undefined;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** X-Request-Id of this request (also on the answer). */
  readonly requestId: string;
}

export interface RouteResult {
  readonly status?: number;
  /** Sent as JSON unless `contentType` says otherwise (then a Buffer or string). */
  readonly body?: unknown;
  /** A JSON body already serialised, sent as is (instead of `body`). */
  readonly json?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RouteDef<B = unknown, P = unknown, Q = unknown, A = unknown> {
  readonly method: HttpMethod;
  /** Express-style path: `/v1/auth/challenges/:id`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly auth?: RouteAuth<A>;
  readonly body?: z.ZodType<B>;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  /** Request headers the route reads itself (documented in OpenAPI; the handler parses them). */
  readonly requestHeaders?: Readonly<Record<string, { readonly description: string; readonly required?: boolean }>>;
  /** Accept a non-JSON body (e.g. application/ocsp-request) handed over as `raw`. */
  readonly rawBody?: { readonly contentType: string };
  /** Bytes; the body is refused with 413 beyond this. Default 16 KiB. */
  readonly maxBodyBytes?: number;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /**
   * The error codes the route's own work can answer, besides those of the
   * request pipeline and of its authentication scheme. Routes relying
   * parties call declare them (the error catalogue a bank programs against);
   * without it OpenAPI lists every code whose status the route declares.
   */
  readonly codes?: readonly string[];
  /**
   * The operation is deprecated (docs/api-versioning.md): every answer
   * carries `Deprecation` (RFC 9745, the date it was deprecated), `Sunset`
   * (RFC 8594, the date it stops, when decided) and a `Link` to what replaces
   * it; OpenAPI marks it `deprecated`.
   */
  readonly deprecated?: { readonly since: Date; readonly sunset?: Date; readonly link: string };
  /** Return a result, or write to `res` yourself and return nothing. */
  handle(input: RouteInput<B, P, Q, A>): Promise<RouteResult | void>;
}

/** Identity function that lets TypeScript infer B, P, Q and A from the schemas. */
export function defineRoute<B = undefined, P = Record<string, string>, Q = Record<string, unknown>, A = undefined>(
  def: RouteDef<B, P, Q, A>,
): RouteDef<B, P, Q, A> {
  return def;
}

// A list of routes of mixed types, as route factories return them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteDef<any, any, any, any>;
